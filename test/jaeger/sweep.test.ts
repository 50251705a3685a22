/**
 * The e2e suite's sweep of a whole trace store (test/e2e/support/jaeger.ts), against the real
 * Jaeger: with searches that answer only a few traces each, it still finds every trace of every
 * service, and it fails rather than miss traces it cannot tell apart by time.
 */
import { SpanKind } from '@tracing-demo/otlp';
import { type JaegerProcess, startJaeger, waitFor } from '@tracing-demo/platform';
import {
  newSpanId,
  newTraceId,
  type SyntheticSpan,
  sendSpans,
  syntheticTrace,
} from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jaegerStore, sweepStore } from '../e2e/support/jaeger.ts';

const MINUTE = 60_000;
let jaeger: JaegerProcess;
const now = Date.now();
// Spread over the last half hour, through the three services of the synthetic topology.
const traces = Array.from({ length: 30 }, (_, i) =>
  syntheticTrace({ startMs: now - 30 * MINUTE + i * MINUTE, error: i % 7 === 0 }),
);
// A service of its own with single-span traces, some sharing a start time.
const lonely: SyntheticSpan[][] = Array.from({ length: 6 }, (_, i) => [
  {
    traceId: newTraceId(),
    spanId: newSpanId(),
    service: 'lonely-service',
    name: 'tick',
    kind: SpanKind.INTERNAL,
    startMs: now - 10 * MINUTE + Math.floor(i / 2) * 1000,
    durationMs: 3,
  },
]);
const everyId = [...traces, ...lonely].map((t) => t[0]?.traceId as string).sort();

beforeAll(async () => {
  jaeger = await startJaeger();
  expect(await sendSpans(jaeger.otlpHttpUrl, [...traces, ...lonely].flat())).toBe(200);
  const store = jaegerStore(jaeger.url);
  await waitFor(
    'every trace in Jaeger',
    async () => {
      const found = await Promise.all(
        [...traces, ...lonely].map(async (t) =>
          (await store.fetchTrace(t[0]?.traceId as string)).length === t.length ? 1 : 0,
        ),
      ).catch(() => []);
      return found.length === everyId.length && found.every((x) => x === 1);
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  );
});
afterAll(async () => {
  await jaeger?.stop();
});

const window = { start: new Date(now - 72 * 60 * MINUTE), end: new Date(now + MINUTE) };

describe('sweepStore', () => {
  it('finds every trace of every service, though each search answers at most 4', async () => {
    const store = jaegerStore(jaeger.url);
    expect(await store.search({ service: 'api-gateway', ...window, limit: 4 })).toHaveLength(4);
    const sweep = await sweepStore(store, { ...window, pageSize: 4 });
    expect([...sweep.traceIds].sort()).toEqual(everyId);
    // Full windows were split: more searches than one per service.
    expect(sweep.searches).toBeGreaterThan((await store.services()).length);
  });

  it('finds the same with one search per service when the page is large enough', async () => {
    const store = jaegerStore(jaeger.url);
    const sweep = await sweepStore(store, { ...window, pageSize: 1000 });
    expect([...sweep.traceIds].sort()).toEqual(everyId);
    expect(sweep.searches).toBe(4);
  });

  it('fails when more traces than a page start in the same millisecond', async () => {
    const store = jaegerStore(jaeger.url);
    await expect(sweepStore(store, { ...window, pageSize: 2 })).rejects.toThrow(
      /lonely-service: 2 traces or more start within [01] ms/,
    );
  });
});
