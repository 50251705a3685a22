import {
  sendSpans,
  startTempo,
  syntheticTrace,
  type TempoProcess,
  waitFor,
} from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let tempo: TempoProcess;
const failing = syntheticTrace({ error: true, attributes: { 'http.route': '/api/orders' } });
const slow = syntheticTrace({ durationMs: 1_500 });

beforeAll(async () => {
  tempo = await startTempo({ TEMPO_TRACE_IDLE_PERIOD: '2s' });
  expect(await sendSpans(tempo.otlpHttpUrl, [...failing, ...slow])).toBe(200);
});
afterAll(async () => {
  await tempo?.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: Tempo's JSON is walked structurally.
const getJson = async (path: string): Promise<any> => {
  const response = await fetch(`${tempo.url}${path}`, { headers: { accept: 'application/json' } });
  if (response.status !== 200)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
};

/** The parts of Tempo's trace-by-id answer (OTLP JSON, ids base64) the test reads. */
interface TempoTrace {
  batches?: { scopeSpans?: { spans?: { spanId: string }[] }[] }[];
}

function spanIds(trace: TempoTrace): string[] {
  return (trace.batches ?? []).flatMap((batch) =>
    (batch.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => Buffer.from(span.spanId, 'base64').toString('hex')),
    ),
  );
}

describe('Tempo from tempo/tempo.yaml', () => {
  it('accepts OTLP and answers trace by id with every span', async () => {
    const traceId = failing[0]?.traceId as string;
    const ids = await waitFor('the trace by id', async () => {
      const got = spanIds(await getJson(`/api/traces/${traceId}`));
      return got.length === failing.length ? got : undefined;
    });
    expect(ids.sort()).toEqual(failing.map((s) => s.spanId).sort());
  });

  it.each([
    ['errors', '{ status = error }', () => failing],
    ['slow traces', '{ duration > 1s }', () => slow],
    [
      'a service',
      '{ resource.service.name = "payment-service" && name = "chargePayment" }',
      () => failing,
    ],
    ['a route', '{ span.http.route = "/api/orders" }', () => failing],
  ])('finds %s with TraceQL', async (_what, query, expected) => {
    const traceIds = await waitFor(`TraceQL ${query}`, async () => {
      const result = await getJson(`/api/search?q=${encodeURIComponent(query)}&limit=20`);
      const ids: string[] = (result.traces ?? []).map((t: { traceID: string }) =>
        t.traceID.padStart(32, '0'),
      );
      return ids.length > 0 ? ids : undefined;
    });
    expect(traceIds).toContain(expected()[0]?.traceId);
    if (query.includes('status = error')) expect(traceIds).not.toContain(slow[0]?.traceId);
  });
});
