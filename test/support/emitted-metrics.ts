import {
  freePort,
  type Sample,
  scrape,
  sendSpans,
  startCollector,
  startPrometheus,
  startSamplingCollector,
  startTempo,
  sumOf,
  syntheticTrace,
  waitFor,
} from '@tracing-demo/testkit';

/**
 * The series the platform's real programs expose, for tests that check queries (alert rules,
 * dashboards) only use metric names, label names and label values that exist. Each helper runs
 * the real binary in the situation where the interesting series appear, scrapes it, and stops it.
 */

/** Span metrics (:8889) and self-telemetry (:8888) of collector/otel-collector.yaml across
 * three scenarios (normal traffic; Tempo unreachable; memory_limiter tripping), plus the real
 * Tempo's /metrics. */
export async function emittedSamples(): Promise<Sample[]> {
  const scenarios = await Promise.all([
    normalTraffic(),
    tempoUnreachable(),
    memoryLimiterTripping(),
    tempoSamples(),
  ]);
  return scenarios.flat();
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
          scrape(collector.metricsUrl),
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

async function tempoUnreachable(): Promise<Sample[]> {
  const collector = await startCollector({
    configs: ['collector/otel-collector.yaml'],
    env: { ...FAST, TRACES_OTLP_HTTP_ENDPOINT: `http://127.0.0.1:${await freePort()}` },
  });
  try {
    // Error traces are always sampled, so they all go to the (missing) Tempo.
    const spans = Array.from({ length: 20 }, () => syntheticTrace({ error: true })).flat();
    if ((await sendSpans(collector.otlpHttpUrl, spans)) !== 200) throw new Error('spans refused');
    return await waitFor(
      'the Tempo queue to fill',
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

/** Tempo (tempo/tempo.yaml) after it accepted a span: per-tenant series such as
 * tempo_discarded_spans_total appear only then. */
async function tempoSamples(): Promise<Sample[]> {
  const tempo = await startTempo();
  try {
    return await waitFor(
      'Tempo to count a received span',
      async () => {
        // Pushes fail until the ingester has joined the ring; retry until one is counted.
        await sendSpans(tempo.otlpHttpUrl, syntheticTrace({})).catch(() => 0);
        const samples = await scrape(`${tempo.url}/metrics`);
        return sumOf(samples, 'tempo_distributor_spans_received_total') > 0 && samples;
      },
      { timeoutMs: 60_000 },
    );
  } finally {
    await tempo.stop();
  }
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
