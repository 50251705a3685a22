import { checkCollector } from './collector.js';
import { checkPrometheus } from './prometheus.js';
import { checkTraceStore } from './traces.js';
import type { PipelineEndpoints, PipelineStatus } from './types.js';

export { JAEGER_METRICS_PORT, tracesMetricsUrl } from './traces.js';
export type {
  CollectorCounters,
  ComponentStatus,
  PipelineEndpoints,
  PipelineStatus,
  PrometheusAlert,
  PrometheusTarget,
  TraceStoreCounters,
} from './types.js';

/**
 * The pipeline's health: the collector (health check and its own telemetry), the trace store
 * (Jaeger or Tempo: answering, spans received and lost), Prometheus (ready, targets, alerts), all
 * asked at once. Never throws: a component that does not answer is reported down with the reason.
 */
export async function pipelineStatus(endpoints: PipelineEndpoints): Promise<PipelineStatus> {
  const warnings: string[] = [];
  const [collector, traces, prometheus] = await Promise.all([
    checkCollector(endpoints),
    checkTraceStore(endpoints, warnings),
    checkPrometheus(endpoints, warnings),
  ]);
  const counters = collector.counters;
  if (counters) {
    if (counters.spansRefused > 0)
      warnings.push(`the collector refused ${counters.spansRefused} spans (memory_limiter)`);
    if (counters.spansExportFailed > 0)
      warnings.push(
        `the collector failed to export ${counters.spansExportFailed} spans to the trace store`,
      );
    if (counters.decidedTooEarly > 0)
      warnings.push(
        `tail sampling dropped ${counters.decidedTooEarly} traces before deciding (raise SAMPLING_NUM_TRACES)`,
      );
  }
  const components = [collector.status, traces.status, prometheus.status];
  return {
    ok: components.every((c) => c.up),
    components,
    ...(counters ? { collector: counters } : {}),
    ...(traces.traceStore ? { traceStore: traces.traceStore } : {}),
    ...(prometheus.prometheus ? { prometheus: prometheus.prometheus } : {}),
    ...(counters && counters.spansReceived > 0
      ? { keptRatio: counters.spansExported / counters.spansReceived }
      : {}),
    warnings,
  };
}
