import { SpanKind, scrape, sumOf } from '@tracing-demo/otlp';
import { waitFor } from '@tracing-demo/platform';
import {
  newSpanId,
  newTraceId,
  type SamplingCollector,
  type SyntheticSpan,
  sendSpans,
  startSamplingCollector,
} from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * collector/otel-collector.yaml normalizes span names that carry an id in a path segment (all
 * digits, a UUID, 16 or more hex digits) to {id} before the connectors, through the real
 * collector: the stored span and its span-metric series get the normalized name, and names
 * without such a segment stay exactly as they were. A name longer than 256 bytes is cut.
 */
const NORMALIZED: [string, string][] = [
  ['GET /users/12345/profile', 'GET /users/{id}/profile'],
  ['GET /orders/04ebcf75-e0ab-4ae3-8668-759155662456', 'GET /orders/{id}'],
  ['GET /orders/12345678-1234-4123-8123-123456789012/items', 'GET /orders/{id}/items'],
  ['GET /blobs/5f2b9c0e8a7d4c1b9e3f', 'GET /blobs/{id}'],
  ['DELETE /carts/7/items/9', 'DELETE /carts/{id}/items/{id}'],
  ['GET /items/42?expand=true', 'GET /items/{id}?expand=true'],
  ['GET /items/42 retry', 'GET /items/{id} retry'],
];
const UNCHANGED = [
  'POST /api/orders',
  'GET /api/v1/orders',
  'GET /oauth2/token',
  'GET /files/2fa',
  'GET /report/2024-01-01',
  'GET HTTP/1.1',
  'pg.query:INSERT tracing_demo',
  'GET /orders/:id',
];
/** A name longer than a label may be (it would fail the scrape): cut to 256 bytes. */
const LONG = `GET /search ${'q'.repeat(2_000)}`;
/** Distinct names of one careless route: one series, not one per name. */
const CARELESS = Array.from({ length: 50 }, (_, n) => `GET /accounts/${1000 + n}/balance`);

let sampling: SamplingCollector;
const traceId = newTraceId();
const names = [...NORMALIZED.map(([name]) => name), ...UNCHANGED, LONG, ...CARELESS];
const spanIds = names.map(() => newSpanId());

beforeAll(async () => {
  sampling = await startSamplingCollector({
    SAMPLING_BASELINE_PERCENT: '100',
    SAMPLING_WAIT_AFTER_ROOT: '1s',
    SPAN_METRICS_FLUSH_INTERVAL: '1s',
  });
  const rootId = newSpanId();
  const now = Date.now() - 100;
  const span = (spanId: string, name: string, parentSpanId?: string): SyntheticSpan => ({
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    service: 'order-service',
    name,
    kind: parentSpanId ? SpanKind.INTERNAL : SpanKind.SERVER,
    startMs: now,
    durationMs: 10,
    attributes: {},
  });
  const spans = [
    span(rootId, 'GET /normalization'),
    ...names.map((name, i) => span(spanIds[i] as string, name, rootId)),
  ];
  expect(await sendSpans(sampling.collector.otlpHttpUrl, spans)).toBe(200);
  await waitFor(
    'the trace to be exported',
    () => sampling.store.trace(traceId).length === spans.length,
  );
});

afterAll(async () => {
  await sampling?.stop();
});

const storedName = (name: string) => {
  const id = spanIds[names.indexOf(name)];
  return sampling.store.trace(traceId).find((span) => span.spanId === id)?.name;
};

describe('span names with ids', () => {
  it('have each id path segment replaced by {id}', () => {
    expect(NORMALIZED.map(([name]) => storedName(name))).toEqual(NORMALIZED.map(([, to]) => to));
  });

  it('leave names without an id segment as they are', () => {
    expect(UNCHANGED.map(storedName)).toEqual(UNCHANGED);
  });

  it('are cut to 256 bytes when longer, in the store and in the span metrics', async () => {
    expect(storedName(LONG)).toBe(LONG.slice(0, 256));
    const series = await waitFor('span metrics of the long name', async () => {
      const samples = await scrape(sampling.collector.metricsUrl);
      return samples.find(
        (s) =>
          s.name === 'traces_span_metrics_calls_total' &&
          s.labels.span_name?.startsWith('GET /search '),
      );
    });
    expect(series.labels.span_name).toBe(LONG.slice(0, 256));
  });

  it('make one span-metric series for a route whose names differ only by id', async () => {
    const calls = await waitFor('span metrics of the careless route', async () => {
      const samples = await scrape(sampling.collector.metricsUrl);
      const series = samples.filter(
        (s) =>
          s.name === 'traces_span_metrics_calls_total' &&
          s.labels.span_name?.startsWith('GET /accounts/'),
      );
      const total = sumOf(samples, 'traces_span_metrics_calls_total', {
        span_name: 'GET /accounts/{id}/balance',
      });
      return total === CARELESS.length && series.map((s) => s.labels.span_name);
    });
    expect(calls).toEqual(['GET /accounts/{id}/balance']);
  });
});
