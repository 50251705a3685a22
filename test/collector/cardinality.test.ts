import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Sample, SpanKind, scrape, sumOf } from '@tracing-demo/otlp';
import { repoPath, waitFor } from '@tracing-demo/platform';
import {
  newSpanId,
  newTraceId,
  type SamplingCollector,
  type SyntheticSpan,
  sendSpans,
  startSamplingCollector,
  syntheticTrace,
} from '@tracing-demo/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { asScraped } from '../support/emitted-metrics.ts';

/**
 * One careless service puts an id in its span names (20,000 distinct names) while the others
 * behave. Through collector/otel-collector.yaml with its defaults (only the flush is faster):
 * span_metrics keeps SPAN_METRICS_CARDINALITY_LIMIT series for that service and counts the rest
 * in its overflow series, the collector stays below its memory limit, the other services' spans
 * are all accepted and counted exactly, and Prometheus's guards on the scrape job still accept
 * the endpoint. Figures: docs/cardinality.md.
 */
const LIMIT = 1000; // the file's default for SPAN_METRICS_CARDINALITY_LIMIT
const MEMORY_LIMIT_MIB = 400; // the file's default for OTELCOL_MEMORY_LIMIT_MIB
const FLOOD = 20_000;
const FLOOD_BATCH = 1_000;
const CARELESS = 'profile-service';
const BEHAVED_BATCHES = FLOOD / FLOOD_BATCH;
const BEHAVED_TRACES_PER_BATCH = 10;
const CALLS = 'traces_span_metrics_calls_total';
const MIB = 1024 * 1024;

let sampling: SamplingCollector;
beforeAll(async () => {
  sampling = await startSamplingCollector({ SPAN_METRICS_FLUSH_INTERVAL: '1s' });
});
afterAll(async () => {
  await sampling?.stop();
});

/** One SERVER span per request, named with the user name (a slug, which no id normalization
 * folds): a trace each, as real requests are. */
function floodBatch(from: number): SyntheticSpan[] {
  const now = Date.now();
  return Array.from({ length: FLOOD_BATCH }, (_, i) => ({
    traceId: newTraceId(),
    spanId: newSpanId(),
    service: CARELESS,
    name: `GET /users/user-${from + i}/profile`,
    kind: SpanKind.SERVER,
    startMs: now - 20,
    durationMs: 12,
    attributes: { 'http.route': '/users/:id', 'http.request.method': 'GET' },
  }));
}

const series = (samples: Sample[], name: string, job?: string) =>
  samples.filter((s) => s.name === name && (job === undefined || s.labels.exported_job === job));

/** The span-metrics job's guards in prometheus/prometheus.yml. */
function scrapeLimits() {
  const config = parse(readFileSync(repoPath('prometheus/prometheus.yml'), 'utf8')) as {
    scrape_configs: {
      job_name: string;
      sample_limit?: number;
      label_limit?: number;
      label_value_length_limit?: number;
    }[];
  };
  const job = config.scrape_configs.find((c) => c.job_name === 'otel-collector-span-metrics');
  if (!job?.sample_limit || !job.label_limit || !job.label_value_length_limit)
    throw new Error('the span-metrics scrape job sets no sample or label limits');
  return job as Required<typeof job>;
}

it('bounds one service flooding 20,000 span names and keeps every other span', async () => {
  const { collector } = sampling;
  const spanMetrics = async () => asScraped(await scrape(collector.metricsUrl));
  const telemetry = () => scrape(collector.telemetryUrl);
  const rssOf = (samples: Sample[]) => sumOf(samples, 'otelcol_process_memory_rss');
  const payments = (samples: Sample[]) =>
    sumOf(samples, CALLS, { service_name: 'payment-service', span_name: 'POST /charges' });

  // Well-behaved traffic first: the series every service has before the flood.
  const behaved = (n: number) =>
    Array.from({ length: n }, () => syntheticTrace({ durationMs: 40 })).flat();
  expect(await sendSpans(collector.otlpHttpUrl, behaved(BEHAVED_TRACES_PER_BATCH))).toBe(200);
  const before = await waitFor('the first span metrics', async () => {
    const samples = await spanMetrics();
    return payments(samples) === BEHAVED_TRACES_PER_BATCH && samples;
  });
  const rssBefore = rssOf(await telemetry());

  // The flood and the well-behaved services at the same time, RSS sampled all along.
  let sending = true;
  let rssMax = rssBefore;
  const watchRss = (async () => {
    while (sending) {
      rssMax = Math.max(rssMax, rssOf(await telemetry()));
      await sleep(200);
    }
  })();
  const statuses = await Promise.all([
    (async () => {
      const codes: number[] = [];
      for (let from = 0; from < FLOOD; from += FLOOD_BATCH)
        codes.push(await sendSpans(collector.otlpHttpUrl, floodBatch(from)));
      return codes;
    })(),
    (async () => {
      const codes: number[] = [];
      for (let i = 0; i < BEHAVED_BATCHES; i++)
        codes.push(await sendSpans(collector.otlpHttpUrl, behaved(BEHAVED_TRACES_PER_BATCH)));
      return codes;
    })(),
  ]);
  const behavedTraces = BEHAVED_TRACES_PER_BATCH * (1 + BEHAVED_BATCHES);
  const after = await waitFor(
    'every span of the flood and of the other services counted',
    async () => {
      const samples = await spanMetrics();
      const flood = sumOf(samples, CALLS, { exported_job: CARELESS });
      return flood === FLOOD && payments(samples) === behavedTraces && samples;
    },
    { timeoutMs: 60_000 },
  );
  sending = false;
  await watchRss;
  const own = await telemetry();
  const rssAfter = rssOf(own);
  rssMax = Math.max(rssMax, rssAfter);

  // Nothing refused, from anyone: memory_limiter never tripped.
  expect(statuses.flat().every((status) => status === 200)).toBe(true);
  expect(sumOf(own, 'otelcol_receiver_refused_spans')).toBe(0);
  expect(sumOf(own, 'otelcol_processor_memory_limiter_refused_spans')).toBe(0);
  expect(rssMax).toBeLessThan(MEMORY_LIMIT_MIB * MIB);

  // The careless service: LIMIT series of its own plus the overflow series, which counts the
  // 19,000 spans whose names came after the limit, with no span name or other dimension.
  const careless = series(after, CALLS, CARELESS);
  expect(careless.length).toBe(LIMIT + 1);
  const overflow = careless.filter((s) => s.labels.otel_metric_overflow === 'true');
  expect(overflow.map((s) => s.value)).toEqual([FLOOD - LIMIT]);
  expect(overflow[0]?.labels.span_name).toBeUndefined();
  expect(series(after, 'traces_span_metrics_duration_seconds_count', CARELESS).length).toBe(
    LIMIT + 1,
  );

  // Every other service: the same series as before, each counting every span exactly.
  const others = (samples: Sample[]) =>
    series(samples, CALLS)
      .filter((s) => s.labels.exported_job !== CARELESS)
      .map((s) => JSON.stringify(s.labels))
      .sort();
  expect(others(after)).toEqual(others(before));
  expect(others(after).length).toBe(6);
  for (const service of ['api-gateway', 'order-service', 'payment-service'])
    for (const s of series(after, CALLS, service)) expect(s.value, service).toBe(behavedTraces);

  // Prometheus's guards on the scrape job accept the endpoint during the flood.
  const limits = scrapeLimits();
  // Prometheus adds __name__, job and instance to the labels the endpoint carries.
  let labels = 0;
  let longest = 0;
  for (const sample of after) {
    labels = Math.max(labels, Object.keys(sample.labels).length + 3);
    for (const value of Object.values(sample.labels)) longest = Math.max(longest, value.length);
  }
  expect(after.length).toBeLessThan(limits.sample_limit);
  expect(labels).toBeLessThanOrEqual(limits.label_limit);
  expect(longest).toBeLessThanOrEqual(limits.label_value_length_limit);

  console.log(
    [
      `calls_total series: ${series(before, CALLS).length} before, ${series(after, CALLS).length} after (${careless.length} of ${CARELESS})`,
      `span-metrics endpoint samples: ${before.length} before, ${after.length} after`,
      `most labels on a stored series: ${labels}; longest label value: ${longest}`,
      `collector RSS: ${(rssBefore / MIB).toFixed(0)} MiB before, ${(rssMax / MIB).toFixed(0)} MiB max, ${(rssAfter / MIB).toFixed(0)} MiB after`,
      `heap after: ${(sumOf(own, 'otelcol_process_runtime_heap_alloc_bytes') / MIB).toFixed(0)} MiB`,
      `service graph: ${series(after, 'traces_service_graph_request_total').length} request_total series counting ${sumOf(after, 'traces_service_graph_request_total')} requests (of ${2 * behavedTraces}), ${sumOf(own, 'otelcol_connector_servicegraph_dropped_spans')} spans dropped (store full), ${sumOf(own, 'otelcol_connector_servicegraph_expired_edges')} edges expired`,
    ].join('\n'),
  );
}, 180_000);
