import { counter, parsePrometheusText, type Sample } from '@tracing-demo/otlp';
import { bodySnippet, getText, reachHint, request } from '../http.js';
import {
  type CollectorCounters,
  type ComponentStatus,
  messageOf,
  type PipelineEndpoints,
} from './types.js';

/** The collector's counters from its telemetry (names with or without `_total`). */
export function collectorCounters(samples: Sample[]): CollectorCounters {
  const value = (name: string, labels: Record<string, string> = {}) =>
    counter(samples, name, labels) ?? 0;
  const keptByPolicy: Record<string, number> = {};
  for (const sample of samples) {
    if (!/^otelcol_processor_tail_sampling_count_traces_sampled(_total)?$/.test(sample.name))
      continue;
    if (sample.labels.sampled !== 'true' || !sample.labels.policy || sample.value === 0) continue;
    const policy = sample.labels.policy;
    keptByPolicy[policy] = (keptByPolicy[policy] ?? 0) + sample.value;
  }
  return {
    spansReceived: value('otelcol_receiver_accepted_spans'),
    spansRefused: value('otelcol_receiver_refused_spans'),
    spansExported: value('otelcol_exporter_sent_spans'),
    spansExportFailed: value('otelcol_exporter_send_failed_spans'),
    queueSize: counter(samples, 'otelcol_exporter_queue_size', { data_type: 'traces' }),
    tracesKept: value('otelcol_processor_tail_sampling_global_count_traces_sampled', {
      sampled: 'true',
    }),
    tracesDropped: value('otelcol_processor_tail_sampling_global_count_traces_sampled', {
      sampled: 'false',
    }),
    keptByPolicy,
    decidedTooEarly: value('otelcol_processor_tail_sampling_sampling_trace_dropped_too_early'),
  };
}

/**
 * The collector: its health_check extension, then its own telemetry (receivers, exporters, tail
 * sampling). Down when either does not answer: both are the same process.
 */
export async function checkCollector(endpoints: PipelineEndpoints) {
  const component = {
    name: 'the collector',
    baseUrl: endpoints.collectorHealth,
    hint: reachHint(endpoints.collectorHealth, '--collector-health or COLLECTOR_HEALTH_URL'),
  };
  const status: ComponentStatus = {
    name: 'collector',
    url: endpoints.collectorHealth,
    up: false,
    details: [],
  };
  try {
    const response = await request(component, endpoints.collectorHealth);
    if (!response.ok) {
      status.problem = `health check answered ${response.status}: ${await bodySnippet(response)}`;
      return { status };
    }
    await response.arrayBuffer();
  } catch (error) {
    status.problem = messageOf(error);
    return { status };
  }
  try {
    const telemetry = {
      name: "the collector's telemetry",
      baseUrl: endpoints.collectorMetrics,
      hint: reachHint(endpoints.collectorMetrics, '--collector-metrics or COLLECTOR_METRICS_URL'),
    };
    const counters = collectorCounters(
      parsePrometheusText(await getText(telemetry, endpoints.collectorMetrics)),
    );
    status.up = true;
    status.details.push(
      'healthy',
      `spans received ${counters.spansReceived}, refused ${counters.spansRefused}`,
      `exported ${counters.spansExported}, failed ${counters.spansExportFailed}`,
      ...(counters.queueSize === undefined ? [] : [`queue ${counters.queueSize}`]),
    );
    return { status, counters };
  } catch (error) {
    status.problem = `healthy, but its telemetry is unreadable: ${messageOf(error)}`;
    return { status };
  }
}
