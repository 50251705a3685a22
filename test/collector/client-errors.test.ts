import { type Sample, SpanKind, scrape, sumOf } from '@tracing-demo/otlp';
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
 * A 4xx is the caller's mistake: the collector leaves a SERVER span's status unset for it (the
 * HTTP semantic conventions), whatever the SDK recorded, so a scanner's bad requests neither
 * burn a service's error budget nor get kept by the errors policy. A 5xx stays an error, and so
 * does a CLIENT span's 4xx (the caller's own view of a failed call). Through the real collector,
 * with the baseline share at 0 so only the policies keep a trace.
 */
let sampling: SamplingCollector;
let metrics: Sample[];

const server = (traceId: string, spanId: string, name: string, status: number): SyntheticSpan => ({
  traceId,
  spanId,
  service: 'api-gateway',
  name,
  kind: SpanKind.SERVER,
  startMs: Date.now() - 50,
  durationMs: 20,
  error: true,
  attributes: { 'http.response.status_code': status },
});

const rejected = { traceId: newTraceId(), spanId: newSpanId() };
const failed = { traceId: newTraceId(), spanId: newSpanId() };
const declined = { traceId: newTraceId(), spanId: newSpanId(), clientId: newSpanId() };

beforeAll(async () => {
  sampling = await startSamplingCollector({
    SAMPLING_BASELINE_PERCENT: '0',
    SAMPLING_WAIT_AFTER_ROOT: '1s',
    SPAN_METRICS_FLUSH_INTERVAL: '1s',
  });
  const spans: SyntheticSpan[] = [
    server(rejected.traceId, rejected.spanId, 'GET /api/orders', 401),
    server(failed.traceId, failed.spanId, 'POST /api/orders', 503),
    server(declined.traceId, declined.spanId, 'PUT /api/orders', 402),
    {
      ...server(declined.traceId, declined.clientId, 'POST', 402),
      parentSpanId: declined.spanId,
      kind: SpanKind.CLIENT,
    },
  ];
  expect(await sendSpans(sampling.collector.otlpHttpUrl, spans)).toBe(200);
  await waitFor('the errors policy to decide on all three traces', async () => {
    const telemetry = await scrape(sampling.collector.telemetryUrl);
    const decided = ['true', 'false'].map((sampled) =>
      sumOf(telemetry, 'otelcol_processor_tail_sampling_count_traces_sampled', {
        policy: 'errors',
        sampled,
      }),
    );
    return (decided[0] ?? 0) + (decided[1] ?? 0) === 3;
  });
  metrics = await waitFor('span metrics of the three SERVER spans', async () => {
    const samples = await scrape(sampling.collector.metricsUrl);
    const calls = sumOf(samples, 'traces_span_metrics_calls_total', {
      service_name: 'api-gateway',
      span_kind: 'SPAN_KIND_SERVER',
    });
    return calls === 3 && samples;
  });
});

afterAll(async () => {
  await sampling?.stop();
});

const serverCalls = (span_name: string, status_code: string) =>
  sumOf(metrics, 'traces_span_metrics_calls_total', {
    service_name: 'api-gateway',
    span_kind: 'SPAN_KIND_SERVER',
    span_name,
    status_code,
  });

describe('client errors on SERVER spans', () => {
  it('counts a 4xx SERVER span as no error, a 5xx as one', () => {
    expect(serverCalls('GET /api/orders', 'STATUS_CODE_UNSET')).toBe(1);
    expect(serverCalls('GET /api/orders', 'STATUS_CODE_ERROR')).toBe(0);
    expect(serverCalls('POST /api/orders', 'STATUS_CODE_ERROR')).toBe(1);
  });

  it('does not keep a trace for a 4xx alone, keeps a 5xx and a failed call', async () => {
    await waitFor('the two error traces to be exported', () =>
      [failed, declined].every((t) => sampling.store.trace(t.traceId).length > 0),
    );
    expect(sampling.store.trace(rejected.traceId)).toEqual([]);
    const [root, client] = [declined.spanId, declined.clientId].map((id) =>
      sampling.store.spans.find((s) => s.spanId === id),
    );
    expect(root?.status.code).toBe('UNSET');
    expect(client?.status.code).toBe('ERROR');
    const failedRoot = sampling.store.spans.find((s) => s.spanId === failed.spanId);
    expect(failedRoot?.status.code).toBe('ERROR');
  });
});
