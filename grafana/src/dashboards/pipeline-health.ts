import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { TracesBackend } from '../datasources.ts';
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

/** Is the trace pipeline keeping up, and where does it lose spans? The last row is the store's. */
export function pipelineHealth(backend: TracesBackend) {
  const store = backend === 'tempo' ? 'Tempo' : 'Jaeger';
  const dashboard = new DashboardBuilder('Tracing demo / Tracing pipeline health')
    .uid('tracing-demo-pipeline-health')
    .description(`OpenTelemetry Collector and ${store}: spans in and out, sampling, back-pressure.`)
    .tags(['tracing-demo', 'collector', backend])
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
        description:
          'Spans per second each exporter delivered (otlp_http/traces: the sampled traces, to the trace store).',
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
          'Batches waiting in each exporter’s sending queue (on disk for otlp_http/traces, the trace store’s) against its capacity. A queue near capacity means the backend is down or too slow; once full, new data is dropped.',
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
    );
  const withSeries = withCardinalityRow(dashboard);
  return backend === 'tempo' ? withTempoRow(withSeries) : withJaegerRow(withSeries);
}

/**
 * span_metrics keeps SPAN_METRICS_CARDINALITY_LIMIT series per service instance and metric, and
 * counts the spans past it in one series labelled otel_metric_overflow="true" (no span name),
 * under the service's exported_job (docs/cardinality.md).
 */
const OVERFLOW = 'traces_span_metrics_calls_total{otel_metric_overflow="true"}';

function withCardinalityRow(dashboard: DashboardBuilder) {
  return dashboard
    .withRow(new RowBuilder('Collector: span-metric series'))
    .withPanel(
      timeseries({
        title: 'Span-metric series per service instance',
        description:
          'calls_total series of the busiest instance of each service (span name × kind × status × route × method × status code). span_metrics keeps at most SPAN_METRICS_CARDINALITY_LIMIT (1000 by default) per instance, plus one overflow series.',
        unit: 'short',
        width: 12,
      }).withTarget(
        prom(
          'max by (exported_job) (count by (exported_job, exported_instance) (traces_span_metrics_calls_total))',
          '{{exported_job}}',
        ),
      ),
    )
    .withPanel(
      timeseries({
        title: 'Spans counted in the overflow series',
        description:
          'Spans per second counted without span name, kind, status or route because their service had reached SPAN_METRICS_CARDINALITY_LIMIT series (alert SpanMetricsCardinalityOverflow). Should be 0.',
        unit: 'cps',
        width: 12,
      }).withTarget(
        // The series exists only after an overflow: `or vector(0)` shows the healthy 0.
        prom(`${perSecond(OVERFLOW, 'exported_job')} or vector(0)`, '{{exported_job}}'),
      ),
    );
}

function withTempoRow(dashboard: DashboardBuilder) {
  return dashboard
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

/**
 * Jaeger is a collector distribution too: its receiver and storage exporter report the same
 * counters, with a `_total` suffix (jaeger/jaeger.yaml), under job jaeger.
 */
const JAEGER_JOB = 'job="jaeger"';
const STORAGE_EXPORTER = `${JAEGER_JOB}, exporter="jaeger_storage_exporter"`;

function withJaegerRow(dashboard: DashboardBuilder) {
  return dashboard
    .withRow(new RowBuilder('Jaeger'))
    .withPanel(
      timeseries({
        title: 'Jaeger spans received and refused',
        description:
          'Spans per second Jaeger’s OTLP receiver accepted from the collector, and refused (the collector retries those). Refused should be 0.',
        unit: 'cps',
        width: 6,
      })
        .withTarget(
          prom(
            perSecond(`otelcol_receiver_accepted_spans_total{${JAEGER_JOB}}`, 'transport'),
            '{{transport}} accepted',
          ),
        )
        .withTarget(
          prom(
            perSecond(`otelcol_receiver_refused_spans_total{${JAEGER_JOB}}`, 'transport'),
            '{{transport}} refused',
          ),
        ),
    )
    .withPanel(
      timeseries({
        title: 'Jaeger spans stored and failed',
        description:
          'Spans per second written to Jaeger’s store, and spans whose write failed (lost, no retry). Failed should be 0.',
        unit: 'cps',
        width: 6,
      })
        .withTarget(
          prom(perSecond(`otelcol_exporter_sent_spans_total{${STORAGE_EXPORTER}}`, ''), 'stored'),
        )
        .withTarget(
          prom(
            perSecond(`otelcol_exporter_send_failed_spans_total{${STORAGE_EXPORTER}}`, ''),
            'failed',
          ),
        ),
    )
    .withPanel(
      timeseries({
        title: 'Jaeger store reads',
        description:
          'Reads per second of Jaeger’s store, by operation and result: find_traces is a search, get_trace a lookup by id (a lookup of an id not stored yet counts as err).',
        unit: 'reqps',
        width: 6,
      }).withTarget(
        prom(
          perSecond(
            `jaeger_storage_requests_total{${JAEGER_JOB}, role="tracestore"}`,
            'operation, result',
          ),
          '{{operation}} {{result}}',
        ),
      ),
    )
    .withPanel(
      timeseries({
        title: 'Jaeger badger size',
        description:
          'Bytes badger keeps on disk (LSM tree and value log); retention (JAEGER_RETENTION) bounds it. 0 with the memory store.',
        unit: 'bytes',
        width: 6,
      }).withTarget(
        prom(
          `sum by (instance) (jaeger_storage_badger_size_bytes_lsm{${JAEGER_JOB}} + jaeger_storage_badger_size_bytes_vlog{${JAEGER_JOB}})`,
          '{{instance}}',
        ),
      ),
    );
}
