import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { prom, timeseries } from '../panels.ts';

/**
 * Collector self-telemetry is scraped from :8888. Its counters carry no `_total` suffix (the
 * collector's own Prometheus reader), so the names below are exactly what it exposes; a test
 * checks them against a running collector.
 */
const perSecond = (metric: string, by: string) =>
  by === ''
    ? `sum(rate(${metric}[$__rate_interval]))`
    : `sum by (${by}) (rate(${metric}[$__rate_interval]))`;

/** Is the trace pipeline keeping up, and where does it lose spans? */
export function pipelineHealth() {
  return new DashboardBuilder('Tracing demo / Tracing pipeline health')
    .uid('tracing-demo-pipeline-health')
    .description('OpenTelemetry Collector and Tempo: spans in and out, sampling, back-pressure.')
    .tags(['tracing-demo', 'collector', 'tempo'])
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .withRow(new RowBuilder('Collector: spans in and out'))
    .withPanel(
      timeseries({
        title: 'Spans received',
        description: 'Spans per second the OTLP receiver accepted, by transport (grpc/http).',
        unit: 'cps',
      }).withTarget(
        prom(perSecond('otelcol_receiver_accepted_spans', 'transport'), '{{transport}}'),
      ),
    )
    .withPanel(
      timeseries({
        title: 'Spans refused',
        description:
          'Spans per second the receiver refused (the client got a retryable error), e.g. when memory_limiter trips. Should be 0.',
        unit: 'cps',
      }).withTarget(
        prom(perSecond('otelcol_receiver_refused_spans', 'transport'), '{{transport}}'),
      ),
    )
    .withPanel(
      timeseries({
        title: 'Spans exported',
        description: 'Spans per second each exporter delivered (to Tempo: the sampled traces).',
        unit: 'cps',
      }).withTarget(prom(perSecond('otelcol_exporter_sent_spans', 'exporter'), '{{exporter}}')),
    )
    .withRow(new RowBuilder('Collector: tail sampling'))
    .withPanel(
      timeseries({
        title: 'Sampling decisions by policy',
        description:
          'Traces per second each tail-sampling policy (errors, slow, baseline) evaluated, split by whether the policy sampled them.',
        unit: 'cps',
        width: 12,
      }).withTarget(
        prom(
          perSecond('otelcol_processor_tail_sampling_count_traces_sampled', 'policy, sampled'),
          '{{policy}} sampled={{sampled}}',
        ),
      ),
    )
    .withPanel(
      timeseries({
        title: 'Traces dropped too early',
        description:
          'Traces evicted before their decision because num_traces was full: raise SAMPLING_NUM_TRACES. Should be 0.',
        unit: 'cps',
        width: 6,
      }).withTarget(
        prom(
          perSecond('otelcol_processor_tail_sampling_sampling_trace_dropped_too_early', ''),
          'dropped',
        ),
      ),
    )
    .withPanel(
      timeseries({
        title: 'Traces awaiting a decision',
        description: 'Traces held in memory by tail sampling; bounded by SAMPLING_NUM_TRACES.',
        unit: 'short',
        width: 6,
      }).withTarget(
        prom('sum(otelcol_processor_tail_sampling_sampling_traces_on_memory)', 'in memory'),
      ),
    )
    .withRow(new RowBuilder('Collector: back-pressure'))
    .withPanel(
      timeseries({
        title: 'Exporter queue size vs capacity',
        description:
          'Batches waiting in each exporter’s sending queue (on disk for Tempo) against its capacity. A queue near capacity means the backend is down or too slow; once full, new data is dropped.',
        unit: 'short',
        width: 12,
      })
        .withTarget(prom('max by (exporter) (otelcol_exporter_queue_size)', '{{exporter}} size'))
        .withTarget(
          prom('max by (exporter) (otelcol_exporter_queue_capacity)', '{{exporter}} capacity'),
        ),
    )
    .withPanel(
      timeseries({
        title: 'Memory limiter refusals',
        description:
          'Spans per second memory_limiter refused because the heap was near OTELCOL_MEMORY_LIMIT_MIB. Should be 0.',
        unit: 'cps',
        width: 12,
      }).withTarget(
        // The collector creates this counter at the first refusal: `or vector(0)` shows the
        // healthy 0 instead of "No data".
        prom(
          `${perSecond('otelcol_processor_memory_limiter_refused_spans', '')} or vector(0)`,
          'refused',
        ),
      ),
    )
    .withRow(new RowBuilder('Tempo'))
    .withPanel(
      timeseries({
        title: 'Tempo ingestion rate',
        description: 'Spans per second Tempo’s distributor received, by tenant.',
        unit: 'cps',
        width: 12,
      }).withTarget(
        prom(perSecond('tempo_distributor_spans_received_total', 'tenant'), '{{tenant}}'),
      ),
    )
    .withPanel(
      timeseries({
        title: 'Tempo discarded spans',
        description:
          'Spans per second Tempo discarded, by reason (e.g. live_traces_exceeded, trace_too_large).',
        unit: 'cps',
        width: 12,
      }).withTarget(prom(perSecond('tempo_discarded_spans_total', 'reason'), '{{reason}}')),
    );
}
