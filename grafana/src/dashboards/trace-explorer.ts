import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { TEMPO } from '../datasources.ts';
import { table, traceql } from '../panels.ts';
import { serviceVariable } from '../variables.ts';

/**
 * Starting points into Tempo. Only sampled traces are stored: every error trace and every trace
 * slower than the collector's slow threshold (SAMPLING_SLOW_THRESHOLD_MS, 1 s by default) plus a
 * share of the rest, so the first two tables are complete and the third is a sample.
 */
export function traceExplorer(services: readonly string[]) {
  const traces = (title: string, description: string, query: string) =>
    table({ title, description, unit: 'none', datasource: TEMPO, width: 24, height: 9 }).withTarget(
      traceql(query),
    );
  return new DashboardBuilder('Tracing demo / Trace explorer')
    .uid('tracing-demo-trace-explorer')
    .description('Recent error traces, the slowest traces and one service’s traces, from Tempo.')
    .tags(['tracing-demo', 'traces', 'traceql'])
    .time({ from: 'now-1h', to: 'now' })
    .withVariable(serviceVariable(services, { multi: false }))
    .withRow(new RowBuilder('Traces'))
    .withPanel(
      traces(
        'Recent error traces',
        'Traces with at least one span whose status is error (tail sampling keeps all of them).',
        '{ status = error }',
      ),
    )
    .withPanel(
      traces(
        'Slow traces',
        'Traces with a span longer than 1 s, the tail-sampling slow threshold (all of them are kept).',
        '{ duration > 1s }',
      ),
    )
    .withPanel(
      traces(
        'Traces of $service',
        'Sampled traces with a span from the chosen service.',
        '{ resource.service.name = "$service" }',
      ),
    );
}
