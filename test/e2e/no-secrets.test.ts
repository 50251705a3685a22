/**
 * No secret or personal value reaches the trace store: a planted user logs in and orders with a
 * planted card number while payments fail (so the tail sampler surely keeps that trace). Then
 * every trace the store holds is read whole and searched for the planted values, the access
 * token and any bearer credential: every service's traces over the whole retention, swept until
 * no search comes back full, and counted against the traces the sampler says it kept.
 */
import { waitFor } from '@tracing-demo/platform';
import { describe, expect, inject, it } from 'vitest';
import { gatewayClient, inParallel, setFaults } from './support/client.ts';
import { decisions } from './support/collector.ts';
import {
  jaegerStore,
  type Sweep,
  storedDocument,
  sweepStore,
  waitForTrace,
} from './support/jaeger.ts';
import { PLANTED } from './support/parameters.ts';
import { pipelineIdle } from './support/pipeline.ts';

const stack = inject('stack');
const store = jaegerStore(stack.jaeger);
const client = gatewayClient(stack.gateway, stack.collectorOtlpHttp);
/** Jaeger's default retention (JAEGER_RETENTION): nothing older can be stored. */
const RETENTION_MS = 72 * 3_600_000;

describe('secrets and personal data', () => {
  it('never reach the trace store: not in any field of any span of any stored trace', async () => {
    await setFaults(stack.payment, { failureRate: 1 });
    const flow = await client
      .loginAndOrder(
        { email: PLANTED.email, password: PLANTED.password },
        { cardNumber: PLANTED.cardNumber },
      )
      .finally(() => setFaults(stack.payment, { failureRate: 0 }));
    expect([flow.login.status, flow.order.status]).toEqual([200, 502]);
    const secrets = [PLANTED.email, PLANTED.password, PLANTED.cardNumber, flow.token as string];
    const planted = await waitForTrace(store, flow.traceId, (spans) =>
      spans.some((s) => s.service === 'payment-service'),
    );
    expect(planted.length).toBeGreaterThan(5);

    // Everything the sampler kept so far has been decided; the sweep is complete once it finds
    // as many traces as the sampler kept (the store's only sender), and never more.
    await pipelineIdle(stack);
    let sweep: Sweep = { traceIds: new Set(), searches: 0 };
    const kept = await waitFor(
      'a sweep of the store to find every trace the sampler kept',
      async () => {
        const { sampled } = await decisions(stack.collectorTelemetry);
        sweep = await sweepStore(store, {
          start: new Date(Date.now() - RETENTION_MS),
          end: new Date(Date.now() + 60_000),
        });
        return sweep.traceIds.size >= sampled && sampled;
      },
      { timeoutMs: 90_000, intervalMs: 2000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message} (the last sweep found ${sweep.traceIds.size})`);
    });
    expect(sweep.traceIds.size).toBe(kept);
    expect(sweep.traceIds).toContain(flow.traceId);

    const leaks: string[] = [];
    let spans = 0;
    await inParallel([...sweep.traceIds], 8, async (traceId) => {
      const text = await storedDocument(stack.jaeger, traceId);
      spans += text.match(/"spanId":/g)?.length ?? 0;
      for (const secret of secrets) {
        if (text.includes(secret))
          leaks.push(`trace ${traceId} contains "${secret.slice(0, 12)}…"`);
      }
      // Any credential after "Bearer" (other tests' tokens too); the word alone is fine: the
      // 401 messages say `expected "Bearer <token>"`.
      const bearer = /Bearer\s+(?!<)[A-Za-z0-9._~+/-]{8,}/.exec(text);
      if (bearer) leaks.push(`trace ${traceId} contains "${bearer[0].slice(0, 14)}…"`);
    });
    console.log(
      `searched every field of ${spans} spans in ${sweep.traceIds.size} traces (all the sampler kept), found by ${sweep.searches} searches`,
    );
    expect(spans).toBeGreaterThanOrEqual(sweep.traceIds.size);
    expect(leaks).toEqual([]);
  });
});
