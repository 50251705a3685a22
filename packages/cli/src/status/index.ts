import { checkCollector } from './collector.js';
import { checkPrometheus } from './prometheus.js';
import { checkTempo } from './tempo.js';
import type { PipelineEndpoints, PipelineStatus } from './types.js';

export type {
  CollectorCounters,
  ComponentStatus,
  PipelineEndpoints,
  PipelineStatus,
  PrometheusAlert,
  PrometheusTarget,
} from './types.js';

/**
 * The pipeline's health: the collector (health check and its own telemetry), Tempo (ready, spans
 * received), Prometheus (ready, targets, alerts), all asked at once. Never throws: a component
 * that does not answer is reported down with the reason.
 */
export async function pipelineStatus(endpoints: PipelineEndpoints): Promise<PipelineStatus> {
  const warnings: string[] = [];
  const [collector, tempo, prometheus] = await Promise.all([
    checkCollector(endpoints),
    checkTempo(endpoints, warnings),
    checkPrometheus(endpoints, warnings),
  ]);
  const counters = collector.counters;
  if (counters) {
    if (counters.spansRefused > 0)
      warnings.push(`the collector refused ${counters.spansRefused} spans (memory_limiter)`);
    if (counters.spansExportFailed > 0)
      warnings.push(`the collector failed to export ${counters.spansExportFailed} spans to Tempo`);
    if (counters.decidedTooEarly > 0)
      warnings.push(
        `tail sampling dropped ${counters.decidedTooEarly} traces before deciding (raise SAMPLING_NUM_TRACES)`,
      );
  }
  const components = [collector.status, tempo.status, prometheus.status];
  return {
    ok: components.every((c) => c.up),
    components,
    ...(counters ? { collector: counters } : {}),
    ...(tempo.tempo ? { tempo: tempo.tempo } : {}),
    ...(prometheus.prometheus ? { prometheus: prometheus.prometheus } : {}),
    ...(counters && counters.spansReceived > 0
      ? { keptRatio: counters.spansExported / counters.spansReceived }
      : {}),
    warnings,
  };
}
