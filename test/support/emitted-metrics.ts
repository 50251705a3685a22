import { readFileSync } from 'node:fs';
import { type Sample, scrape, sumOf } from '@tracing-demo/otlp';
import {
  freePort,
  repoPath,
  startCollector,
  startJaeger,
  startPrometheus,
  waitFor,
} from '@tracing-demo/platform';
import {
  newSpanId,
  newTraceId,
  postTraces,
  sendSpans,
  startSamplingCollector,
  syntheticTrace,
} from '@tracing-demo/testkit';

/**
 * The series the platform's real programs expose, for tests that check queries (alert rules,
 * dashboards) only use metric names, label names and label values that exist. Each helper runs
 * the real binary in the situation where the interesting series appear, scrapes it, and stops it.
 */

/** What each program exposes; `tempo` is transcribed, not scraped (see tempoSeries). */
export interface EmittedSamples {
  /** Span metrics (:8889, with the labels Prometheus stores: see asScraped) and self-telemetry
   * (:8888) of collector/otel-collector.yaml across four scenarios: normal traffic, the trace
   * store unreachable, memory_limiter tripping, span metrics past their cardinality limit. */
  collector: Sample[];
  /** The real Jaeger's /metrics. */
  jaeger: Sample[];
  tempo: Sample[];
}

export async function emittedSamples(): Promise<EmittedSamples> {
  const [normal, unreachable, limited, overflow, jaeger] = await Promise.all([
    normalTraffic(),
    storeUnreachable(),
    memoryLimiterTripping(),
    cardinalityOverflow(),
    jaegerSamples(),
  ]);
  return {
    collector: [...normal, ...unreachable, ...limited, ...overflow],
    jaeger,
    tempo: tempoSeries(),
  };
}

/**
 * The span-metrics endpoint's samples as Prometheus stores them. The exporter labels each series
 * with job (service.name) and instance (service.instance.id); the scrape job keeps honor_labels
 * false, so Prometheus renames those to exported_job and exported_instance and sets its own.
 */
export function asScraped(samples: Sample[]): Sample[] {
  return samples.map(({ name, labels, value }) => {
    const { job, instance, ...rest } = labels;
    return {
      name,
      value,
      labels: {
        ...rest,
        ...(job === undefined ? {} : { exported_job: job }),
        ...(instance === undefined ? {} : { exported_instance: instance }),
      },
    };
  });
}

/** metric name → the label names seen on it. */
export function labelNames(samples: Sample[]): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  for (const { name, labels } of samples) {
    const names = seen.get(name) ?? new Set<string>();
    for (const label of Object.keys(labels)) names.add(label);
    seen.set(name, names);
  }
  return seen;
}

// Dashboards filter and group span metrics and the service graph by these.
const HTTP = {
  'http.route': '/orders',
  'http.request.method': 'POST',
  'http.response.status_code': 201,
};
// Flush span metrics and decide sampling within a second instead of the production 15s/10s.
const FAST = { SPAN_METRICS_FLUSH_INTERVAL: '1s', SAMPLING_WAIT_AFTER_ROOT: '1s' };

/** A trace whose payment SERVER span (and the CLIENT span calling it) failed: a failed
 * service-graph edge, so the `failed` series exist. */
function failedCallTrace() {
  const spans = syntheticTrace({ error: true, attributes: HTTP });
  for (const span of spans.slice(3, 5)) span.error = true;
  return spans;
}

/** Healthy traffic with an error and a slow trace among it. */
async function normalTraffic(): Promise<Sample[]> {
  const sampling = await startSamplingCollector(FAST);
  const { collector } = sampling;
  try {
    const spans = [
      ...Array.from({ length: 20 }, () => syntheticTrace({ durationMs: 40, attributes: HTTP })),
      syntheticTrace({ durationMs: 1_500, attributes: HTTP }),
      failedCallTrace(),
    ].flat();
    if ((await sendSpans(collector.otlpHttpUrl, spans)) !== 200) throw new Error('spans refused');
    // Wait until the error trace was sampled and sent and the span metrics and service graph
    // flushed, so the exporter's and the connectors' series all exist.
    return await waitFor(
      'span metrics, a failed edge and a sent batch',
      async () => {
        const [metrics, telemetry] = await Promise.all([
          scrape(collector.metricsUrl).then(asScraped),
          scrape(collector.telemetryUrl),
        ]);
        const errors = sumOf(metrics, 'traces_span_metrics_calls_total', {
          status_code: 'STATUS_CODE_ERROR',
        });
        const failed = sumOf(metrics, 'traces_service_graph_request_failed_total');
        const sent = sumOf(telemetry, 'otelcol_exporter_sent_spans');
        return errors > 0 && failed > 0 && sent > 0 && [...metrics, ...telemetry];
      },
      { timeoutMs: 30_000 },
    );
  } finally {
    await sampling.stop();
  }
}

async function storeUnreachable(): Promise<Sample[]> {
  const collector = await startCollector({
    configs: ['collector/otel-collector.yaml'],
    env: { ...FAST, TRACES_OTLP_HTTP_ENDPOINT: `http://127.0.0.1:${await freePort()}` },
  });
  try {
    // Error traces are always sampled, so they all go to the (missing) trace store.
    const spans = Array.from({ length: 20 }, () => syntheticTrace({ error: true })).flat();
    if ((await sendSpans(collector.otlpHttpUrl, spans)) !== 200) throw new Error('spans refused');
    return await waitFor(
      'the trace store queue to fill',
      async () => {
        const telemetry = await scrape(collector.telemetryUrl);
        return sumOf(telemetry, 'otelcol_exporter_queue_size') > 0 && telemetry;
      },
      { timeoutMs: 30_000 },
    );
  } finally {
    await collector.stop();
  }
}

async function memoryLimiterTripping(): Promise<Sample[]> {
  // A limit far below the heap the collector already uses trips memory_limiter at once.
  const sampling = await startSamplingCollector({
    OTELCOL_MEMORY_LIMIT_MIB: '4',
    OTELCOL_MEMORY_SPIKE_LIMIT_MIB: '1',
  });
  try {
    const url = sampling.collector.otlpHttpUrl;
    await waitFor(
      'memory_limiter to refuse',
      async () => (await sendSpans(url, syntheticTrace({ error: true }))) !== 200,
    );
    return await waitFor('refused spans in the telemetry', async () => {
      const telemetry = await scrape(sampling.collector.telemetryUrl);
      return sumOf(telemetry, 'otelcol_processor_memory_limiter_refused_spans') > 0 && telemetry;
    });
  } finally {
    await sampling.stop();
  }
}

/** A service (one instance, as the SDK identifies it) that puts a user name in its span names,
 * past a cardinality limit of 5: span_metrics counts its further names in the
 * otel_metric_overflow="true" series, which carries only the resource's job and instance. */
async function cardinalityOverflow(): Promise<Sample[]> {
  const sampling = await startSamplingCollector({ ...FAST, SPAN_METRICS_CARDINALITY_LIMIT: '5' });
  const { collector } = sampling;
  try {
    const now = BigInt(Date.now()) * 1_000_000n;
    const spans = Array.from({ length: 10 }, (_, n) => ({
      traceId: newTraceId(),
      spanId: newSpanId(),
      name: `GET /users/user-${n}/profile`,
      kind: 2,
      startTimeUnixNano: String(now - 20_000_000n),
      endTimeUnixNano: String(now - 10_000_000n),
      status: { code: 0 },
    }));
    const resource = {
      attributes: [
        { key: 'service.name', value: { stringValue: 'profile-service' } },
        { key: 'service.instance.id', value: { stringValue: 'profile-service-1' } },
      ],
    };
    const request = { resourceSpans: [{ resource, scopeSpans: [{ scope: {}, spans }] }] };
    if ((await postTraces(collector.otlpHttpUrl, request)) !== 200) throw new Error('refused');
    return await waitFor(
      'the span-metrics overflow series',
      async () => {
        const metrics = asScraped(await scrape(collector.metricsUrl));
        const overflow = sumOf(metrics, 'traces_span_metrics_calls_total', {
          otel_metric_overflow: 'true',
        });
        return overflow > 0 && metrics;
      },
      { timeoutMs: 30_000 },
    );
  } finally {
    await sampling.stop();
  }
}

/** The real Jaeger (jaeger/jaeger.yaml) after it stored a trace and failed a search: the memory
 * store refuses a search without a trace limit, which makes the find_traces error series. Badger
 * is opened too; its gauges appear at its first metrics update (every 10 s). */
async function jaegerSamples(): Promise<Sample[]> {
  const jaeger = await startJaeger({ env: { JAEGER_STORAGE: 'memory' } });
  try {
    if ((await sendSpans(jaeger.otlpHttpUrl, syntheticTrace({}))) !== 200) {
      throw new Error('Jaeger refused spans');
    }
    const now = Date.now();
    const search = new URLSearchParams({
      'query.service_name': 'api-gateway',
      'query.start_time_min': new Date(now - 60_000).toISOString(),
      'query.start_time_max': new Date(now + 60_000).toISOString(),
    });
    await (await fetch(`${jaeger.url}/api/v3/traces?${search}`)).arrayBuffer();
    return await waitFor(
      'Jaeger to count a stored span and a failed search',
      async () => {
        const samples = await scrape(jaeger.metricsUrl);
        const stored = sumOf(samples, 'otelcol_exporter_sent_spans_total', {
          exporter: 'jaeger_storage_exporter',
        });
        const failed = sumOf(samples, 'jaeger_storage_requests_total', {
          operation: 'find_traces',
          result: 'err',
        });
        const badger = samples.some((s) => s.name === 'jaeger_storage_badger_size_bytes_lsm');
        return stored > 0 && failed > 0 && badger && samples;
      },
      { timeoutMs: 30_000 },
    );
  } finally {
    await jaeger.stop();
  }
}

/**
 * Tempo's series, NOT scraped here: Tempo is AGPL and cannot run on these machines. The fixture
 * lists the names and label sets the rules and dashboards use, transcribed from what this check
 * scraped from the real Tempo before Tempo left the tools; it catches a typo in a Tempo query,
 * but nothing proves that the Tempo image the chart deploys still exposes them.
 */
export function tempoSeries(): Sample[] {
  const fixture = JSON.parse(
    readFileSync(repoPath('test/support/fixtures/tempo-series.json'), 'utf8'),
  ) as { series: { name: string; labels: Record<string, string> }[] };
  return fixture.series.map(({ name, labels }) => ({ name, labels, value: 0 }));
}

/** Series names Prometheus itself creates for every scrape (`up`, `scrape_*`), from the real
 * binary running prometheus/prometheus.yml (its targets need not be up for that). */
export async function prometheusNames(): Promise<Set<string>> {
  const prometheus = await startPrometheus();
  try {
    return await waitFor(
      'Prometheus to record its first scrapes',
      async () => {
        const url = `${prometheus.url}/api/v1/label/__name__/values`;
        const body = (await (await fetch(url)).json()) as { data: string[] };
        return body.data.includes('up') && new Set(body.data);
      },
      { timeoutMs: 60_000 },
    );
  } finally {
    await prometheus.stop();
  }
}
