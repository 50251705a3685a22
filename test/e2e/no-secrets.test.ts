/**
 * No secret or personal value reaches Tempo: a planted user logs in and orders with a planted
 * card number while payments fail (so the tail sampler surely keeps that trace), and then
 * every trace and every attribute value Tempo holds is searched for the planted values, the
 * access token and any bearer credential.
 */
import { searchTraces } from '@tracing-demo/cli';
import { waitFor } from '@tracing-demo/testkit';
import { describe, expect, inject, it } from 'vitest';
import { gatewayClient, setFaults } from './support/client.ts';
import { PLANTED } from './support/parameters.ts';
import { findTrace, waitForTrace } from './support/tempo.ts';

const stack = inject('stack');
const client = gatewayClient(stack.gateway, stack.collectorOtlpHttp);

async function tempoJson(path: string): Promise<unknown> {
  const response = await fetch(`${stack.tempo}${path}`);
  if (!response.ok) throw new Error(`Tempo ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

describe('secrets and personal data', () => {
  it('never reach Tempo: not in any span of any trace, nor in any attribute value', async () => {
    await setFaults(stack.payment, { failureRate: 1 });
    const flow = await client
      .loginAndOrder(
        { email: PLANTED.email, password: PLANTED.password },
        { cardNumber: PLANTED.cardNumber },
      )
      .finally(() => setFaults(stack.payment, { failureRate: 0 }));
    expect([flow.login.status, flow.order.status]).toEqual([200, 502]);
    const secrets = [PLANTED.email, PLANTED.password, PLANTED.cardNumber, flow.token as string];
    const planted = await waitForTrace(stack.tempo, flow.traceId, (spans) =>
      spans.some((s) => s.service === 'payment-service'),
    );
    expect(planted.length).toBeGreaterThan(5);

    // Searchable once Tempo considers the trace complete (TEMPO_TRACE_IDLE_PERIOD).
    const everything = await waitFor(
      'the planted trace in a search of everything Tempo holds',
      async () => {
        const found = await searchTraces(stack.tempo, '{}', {
          limit: 100_000,
          start: new Date(Date.now() - 3_600_000),
        });
        return found.some((t) => t.traceId === flow.traceId) && found;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    const leaks: string[] = [];
    for (const { traceId } of everything) {
      const text = JSON.stringify((await findTrace(stack.tempo, traceId)) ?? []);
      for (const secret of secrets) {
        if (text.includes(secret))
          leaks.push(`trace ${traceId} contains "${secret.slice(0, 12)}…"`);
      }
      // Any credential after "Bearer" (other tests' tokens too); the word alone is fine: the
      // 401 messages say `expected "Bearer <token>"`.
      const bearer = /Bearer\s+(?!<)[A-Za-z0-9._~+/-]{8,}/.exec(text);
      if (bearer) leaks.push(`trace ${traceId} contains "${bearer[0].slice(0, 14)}…"`);
    }

    // Attribute values as Tempo indexes them for search, every tag of every scope.
    const { scopes } = (await tempoJson('/api/v2/search/tags')) as {
      scopes: { name: string; tags: string[] }[];
    };
    for (const scope of scopes.filter((s) => s.name !== 'intrinsic')) {
      for (const tag of scope.tags) {
        const values = JSON.stringify(
          await tempoJson(`/api/v2/search/tag/${scope.name}.${encodeURIComponent(tag)}/values`),
        );
        for (const secret of secrets) {
          if (values.includes(secret))
            leaks.push(`${scope.name}.${tag} has the value "${secret.slice(0, 12)}…"`);
        }
      }
    }
    console.log(
      `searched ${everything.length} traces and the values of ${scopes.reduce((n, s) => n + s.tags.length, 0)} tags`,
    );
    expect(leaks).toEqual([]);
  });
});
