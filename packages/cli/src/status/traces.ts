import { counter, parsePrometheusText, type Sample } from '@tracing-demo/otlp';
import { getText, reachHint } from '../http.js';
import {
  BACKEND_NAMES,
  checkStoreReady,
  connectTraceStore,
  type TracesBackend,
} from '../stores/index.js';
import {
  type ComponentStatus,
  messageOf,
  type PipelineEndpoints,
  type TraceStoreCounters,
  trimSlash,
} from './types.js';

/** Jaeger's own metrics port in the local stack (`make local`); the chart's is 8888. */
export const JAEGER_METRICS_PORT = 14269;

/** Where the store's own metrics are: as given, else Jaeger's metrics port or Tempo's API. */
export function tracesMetricsUrl(endpoints: PipelineEndpoints, backend: TracesBackend): string {
  if (endpoints.tracesMetrics) return endpoints.tracesMetrics;
  const base = trimSlash(endpoints.traces);
  if (backend === 'tempo') return `${base}/metrics`;
  const url = new URL(base);
  return `${url.protocol}//${url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname}:${JAEGER_METRICS_PORT}/metrics`;
}

/**
 * Jaeger v2 is an OpenTelemetry Collector: its OTLP receiver counts the spans it accepted and
 * refused, its storage exporter those it wrote and failed to write. Tempo counts spans its
 * distributor received and the ones it discarded.
 */
export function traceStoreCounters(backend: TracesBackend, samples: Sample[]) {
  if (backend === 'jaeger') {
    const storage = { exporter: 'jaeger_storage_exporter' };
    const received = counter(samples, 'otelcol_receiver_accepted_spans_total') ?? 0;
    const refused = counter(samples, 'otelcol_receiver_refused_spans_total') ?? 0;
    const stored = counter(samples, 'otelcol_exporter_sent_spans_total', storage) ?? 0;
    const failed = counter(samples, 'otelcol_exporter_send_failed_spans_total', storage) ?? 0;
    return {
      counters: { backend, spansReceived: received, spansLost: refused + failed },
      details: [
        `spans received ${received}, refused ${refused}`,
        `stored ${stored}, failed ${failed}`,
      ],
      warnings: [
        ...(refused > 0
          ? [`Jaeger refused ${refused} spans (otelcol_receiver_refused_spans)`]
          : []),
        ...(failed > 0
          ? [`Jaeger failed to store ${failed} spans (otelcol_exporter_send_failed_spans)`]
          : []),
      ],
    };
  }
  const received = counter(samples, 'tempo_distributor_spans_received_total') ?? 0;
  const discarded = counter(samples, 'tempo_discarded_spans_total') ?? 0;
  return {
    counters: { backend, spansReceived: received, spansLost: discarded },
    details: [`spans received ${received}, discarded ${discarded}`],
    warnings:
      discarded > 0 ? [`Tempo discarded ${discarded} spans (tempo_discarded_spans_total)`] : [],
  };
}

/**
 * The trace store: its query API answering decides up or down (Jaeger lists its services,
 * Tempo's /ready); its own metrics add spans received and lost. The backend is detected when
 * not given.
 */
export async function checkTraceStore(
  endpoints: PipelineEndpoints,
  warnings: string[],
): Promise<{ status: ComponentStatus; traceStore?: TraceStoreCounters }> {
  const base = trimSlash(endpoints.traces);
  const status: ComponentStatus = {
    name: endpoints.tracesBackend ?? 'trace store',
    url: base,
    up: false,
    details: [],
  };
  let backend: TracesBackend;
  try {
    const store = await connectTraceStore(base, endpoints.tracesBackend);
    backend = store.backend;
    status.name = backend;
    await checkStoreReady(store);
  } catch (error) {
    status.problem = messageOf(error);
    return { status };
  }
  status.up = true;
  status.details.push(backend === 'jaeger' ? 'query API answers' : 'ready');
  const metricsUrl = tracesMetricsUrl(endpoints, backend);
  try {
    const component = {
      name: `${BACKEND_NAMES[backend]}'s metrics`,
      baseUrl: metricsUrl,
      hint: reachHint(metricsUrl, '--traces-metrics or TRACES_METRICS_URL'),
    };
    const read = traceStoreCounters(
      backend,
      parsePrometheusText(await getText(component, metricsUrl)),
    );
    status.details.push(...read.details);
    warnings.push(...read.warnings);
    return { status, traceStore: read.counters };
  } catch (error) {
    warnings.push(`${BACKEND_NAMES[backend]}'s metrics are unreadable: ${messageOf(error)}`);
    return { status };
  }
}
