import { scrape, sumOf } from '@tracing-demo/otlp';
import { type CollectorProcess, waitFor } from '@tracing-demo/platform';
import {
  lateChild,
  type OtlpSink,
  type SamplingCollector,
  type SyntheticSpan,
  sendSpans,
  startSamplingCollector,
  syntheticTrace,
  TOPOLOGY,
} from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real collector running collector/otel-collector.yaml, fed a known mix of synthetic traces
 * over OTLP, exporting what it samples to a sink in the trace store's place. Sizes are chosen so the
 * statistics are sound and a run takes seconds.
 */
const BASELINE_PERCENT = 20;
const COUNTS = { error: 40, slow: 40, normal: 600 };
const LATE = { error: 10, slow: 10, normal: 60 };

const PLANTED = {
  jwt: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlLXBsYW50ZWQ',
  email: 'planted.person@example.org',
  card: '4111111111111111',
  password: 'planted-Secret-0042',
};

let sink: OtlpSink;
let collector: CollectorProcess;
let sampling: SamplingCollector;
const traces = {
  error: [] as SyntheticSpan[][],
  slow: [] as SyntheticSpan[][],
  normal: [] as SyntheticSpan[][],
};
const late = new Map<string, SyntheticSpan>();
/** When each trace was sent, on the sink's clock (process.hrtime). */
const sentAt = new Map<string, bigint>();

function spansSentBy(service: string) {
  const all = [...traces.error, ...traces.slow, ...traces.normal].flat();
  return (
    all.filter((s) => s.service === service).length +
    [...late.values()].filter((s) => s.service === service).length
  );
}

const exported = (traceId: string) => sink.trace(traceId);
const isComplete = (trace: SyntheticSpan[]) => {
  const got = new Set(exported(trace[0]?.traceId as string).map((s) => s.spanId));
  return trace.every((s) => got.has(s.spanId));
};

beforeAll(async () => {
  sampling = await startSamplingCollector({
    SAMPLING_BASELINE_PERCENT: String(BASELINE_PERCENT),
    // SAMPLING_WAIT_AFTER_ROOT as shipped (1 s): late spans must still find their trace.
    SAMPLING_DECISION_WAIT: '5s',
    SAMPLING_SLOW_THRESHOLD_MS: '1000',
    SPAN_METRICS_FLUSH_INTERVAL: '1s',
  });
  ({ collector, store: sink } = sampling);

  // Secrets ride in attributes the allow-list keeps (their values must be masked) and in ones
  // it does not (they must be dropped).
  const secrets = {
    'url.full': `https://shop.example/api/orders?email=${PLANTED.email}&card=${PLANTED.card}`,
    'http.request.header.authorization': `Bearer ${PLANTED.jwt}`,
    'db.query.text': `SELECT * FROM users WHERE email = '${PLANTED.email}'`,
    'user.password': PLANTED.password,
    'customer.email': PLANTED.email,
  };
  for (let i = 0; i < COUNTS.error; i++)
    traces.error.push(syntheticTrace({ error: true, attributes: secrets }));
  for (let i = 0; i < COUNTS.slow; i++) traces.slow.push(syntheticTrace({ durationMs: 1_500 }));
  for (let i = 0; i < COUNTS.normal; i++) traces.normal.push(syntheticTrace({ durationMs: 50 }));

  const all = [...traces.error, ...traces.slow, ...traces.normal].sort(() => Math.random() - 0.5);
  for (let i = 0; i < all.length; i += 40) {
    const batch = all.slice(i, i + 40);
    const now = process.hrtime.bigint();
    for (const trace of batch) sentAt.set(trace[0]?.traceId as string, now);
    expect(await sendSpans(collector.otlpHttpUrl, batch.flat())).toBe(200);
  }

  // Once every error and slow trace is out, their decisions are made: now the late spans.
  await waitFor(
    'every error and slow trace to be exported',
    () => [...traces.error, ...traces.slow].every(isComplete),
    { timeoutMs: 30_000 },
  );
  const withLate = [
    ...traces.error.slice(0, LATE.error),
    ...traces.slow.slice(0, LATE.slow),
    ...traces.normal.slice(0, LATE.normal),
  ];
  for (const trace of withLate) late.set(trace[0]?.traceId as string, lateChild(trace));
  expect(await sendSpans(collector.otlpHttpUrl, [...late.values()])).toBe(200);
});

afterAll(async () => {
  await sampling?.stop();
});

describe('tail sampling', () => {
  it('keeps 100% of error traces and 100% of slow traces, complete, late spans included', async () => {
    const lateOf = (trace: SyntheticSpan[]) => late.get(trace[0]?.traceId as string);
    await waitFor('the late spans of error and slow traces', () =>
      [...traces.error, ...traces.slow].every((trace) => {
        const span = lateOf(trace);
        return !span || exported(span.traceId).some((s) => s.spanId === span.spanId);
      }),
    );
    for (const trace of [...traces.error, ...traces.slow]) {
      expect(isComplete(trace), `trace ${trace[0]?.traceId} complete`).toBe(true);
    }
  });

  it(`keeps about ${BASELINE_PERCENT}% of normal traces, each whole, and late spans follow the first decision`, async () => {
    const kept = traces.normal.filter((trace) => exported(trace[0]?.traceId as string).length > 0);
    // Binomial(600, 0.2): mean 120, sd 9.8; ±4.5 sd fails by chance about once in 150 000 runs.
    const mean = COUNTS.normal * (BASELINE_PERCENT / 100);
    const sd = Math.sqrt(mean * (1 - BASELINE_PERCENT / 100));
    console.log(
      `baseline: kept ${kept.length} of ${COUNTS.normal} normal traces (expected ${mean} ± ${sd.toFixed(1)})`,
    );
    expect(Math.abs(kept.length - mean)).toBeLessThan(4.5 * sd);
    for (const trace of kept) expect(isComplete(trace)).toBe(true);

    const keptIds = new Set(kept.map((t) => t[0]?.traceId));
    const lateNormals = traces.normal.slice(0, LATE.normal);
    await waitFor('the late spans of kept normal traces', () =>
      lateNormals.every(
        (t) => !keptIds.has(t[0]?.traceId) || exported(t[0]?.traceId as string).length === 7,
      ),
    );
    for (const trace of lateNormals) {
      const id = trace[0]?.traceId as string;
      expect(exported(id).length, `trace ${id}: ${keptIds.has(id) ? 'kept' : 'dropped'}`).toBe(
        keptIds.has(id) ? 7 : 0,
      );
    }
  });

  it('exports an error trace within seconds of its root', () => {
    const delays = traces.error
      .map((trace) => {
        const id = trace[0]?.traceId as string;
        const firstExport = exported(id)
          .map((s) => s.receivedAt)
          .reduce((a, b) => (a < b ? a : b));
        return Number((firstExport - (sentAt.get(id) as bigint)) / 1_000_000n);
      })
      .sort((a, b) => a - b);
    const p = (q: number) =>
      delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] as number;
    console.log(`root received → exported: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${p(1)} ms`);
    // decision_wait_after_root_received (1 s, the default) plus up to a 1 s tick and the batch
    // timeout (200 ms), and never before the decision wait.
    expect(p(0)).toBeGreaterThanOrEqual(900);
    expect(p(0.95)).toBeLessThan(5_000);
  });
});

describe('the collector reports its decisions', () => {
  it('counts sampled and dropped traces per policy in its own telemetry', async () => {
    const telemetry = await scrape(collector.telemetryUrl);
    const perPolicy = (policy: string, sampled: string) =>
      sumOf(telemetry, 'otelcol_processor_tail_sampling_count_traces_sampled', { policy, sampled });
    const figures = Object.fromEntries(
      ['errors', 'slow', 'baseline'].map((policy) => [
        policy,
        { sampled: perPolicy(policy, 'true'), notSampled: perPolicy(policy, 'false') },
      ]),
    );
    console.log(`tail sampling decisions per policy: ${JSON.stringify(figures)}`);
    const total = COUNTS.error + COUNTS.slow + COUNTS.normal;
    expect(figures.errors?.sampled).toBe(COUNTS.error);
    expect(figures.slow?.sampled).toBe(COUNTS.slow);
    expect((figures.errors?.sampled ?? 0) + (figures.errors?.notSampled ?? 0)).toBe(total);
    expect(
      sumOf(telemetry, 'otelcol_processor_tail_sampling_sampling_trace_dropped_too_early'),
    ).toBe(0);
  });
});

describe('metrics from 100% of spans', () => {
  it('span-metrics call counts equal the spans SENT per service, not the spans sampled', async () => {
    const services = ['api-gateway', 'order-service', 'payment-service', 'fulfillment-worker'];
    const expected = Object.fromEntries(services.map((s) => [s, spansSentBy(s)]));
    const counted = await waitFor('span metrics for every span sent', async () => {
      const samples = await scrape(collector.metricsUrl);
      const got = Object.fromEntries(
        services.map((s) => [
          s,
          sumOf(samples, 'traces_span_metrics_calls_total', { service_name: s }),
        ]),
      );
      return services.every((s) => got[s] === expected[s]) ? got : undefined;
    });
    const sampled = sink.spans.filter((s) => s.service === 'api-gateway').length;
    console.log(
      `span metrics calls per service: ${JSON.stringify(counted)}; api-gateway spans exported after sampling: ${sampled}`,
    );
    expect(counted).toEqual(expected);
    expect(sampled).toBeLessThan(expected['api-gateway'] as number);
  });

  it('service graph edges match the generated topology, one request per trace per edge', async () => {
    const traceCount = COUNTS.error + COUNTS.slow + COUNTS.normal;
    await waitFor('service graph edges for every trace', async () => {
      const samples = await scrape(collector.metricsUrl);
      return TOPOLOGY.every(
        ([client, server]) =>
          sumOf(samples, 'traces_service_graph_request_total', { client, server }) === traceCount,
      );
    });
    const samples = await scrape(collector.metricsUrl);
    const failed = sumOf(samples, 'traces_service_graph_request_failed_total', {
      client: 'order-service',
      server: 'payment-service',
    });
    const edges = new Set(
      samples
        .filter((s) => s.name === 'traces_service_graph_request_total')
        .map((s) => `${s.labels.client}->${s.labels.server}`),
    );
    expect([...edges].sort()).toEqual(TOPOLOGY.map(([c, s]) => `${c}->${s}`).sort());
    expect(failed).toBe(0);
  });
});

describe('secrets and PII', () => {
  it('no planted secret is in any exported span or metric label', async () => {
    const spans = sink.rawBodies.join('\n');
    const metrics = await (await fetch(collector.metricsUrl)).text();
    expect(spans).toContain('url.full');
    for (const [what, value] of Object.entries(PLANTED)) {
      expect(spans.includes(value), `${what} in exported spans`).toBe(false);
      expect(metrics.includes(value), `${what} in metrics`).toBe(false);
    }
    const errorSpan = sink.spans.find((s) => s.attributes['url.full']);
    expect(errorSpan?.attributes['user.password']).toBeUndefined();
    expect(errorSpan?.attributes['customer.email']).toBeUndefined();
  });
});
