import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { JAEGER, TEMPO, type TracesBackend } from '../datasources.ts';
import { jaegerSearch } from '../jaeger.ts';
import { table, traceql } from '../panels.ts';
import { serviceVariable } from '../variables.ts';

/** The three searches in each store's query language, with what each table shows. */
interface Search {
  target: cog.Builder<cog.Dataquery>;
  description: string;
}

/**
 * Tempo searches every service at once with TraceQL. Jaeger searches one service at a time and
 * matches tags and durations on that service's spans, so its tables follow `$service`:
 * api-gateway, the first one offered, has the entry span of every request, and errors and
 * latency propagate up to it. Jaeger tags a span whose status is error with error=true.
 */
function searches(backend: TracesBackend): Record<'errors' | 'slow' | 'service', Search> {
  const service = 'Sampled traces with a span from the chosen service.';
  if (backend === 'tempo') {
    return {
      errors: {
        target: traceql('{ status = error }'),
        description:
          'Traces with at least one span whose status is error (tail sampling keeps all of them).',
      },
      slow: {
        target: traceql('{ duration > 1s }'),
        description:
          'Traces with a span longer than 1 s, the tail-sampling slow threshold (all of them are kept).',
      },
      service: { target: traceql('{ resource.service.name = "$service" }'), description: service },
    };
  }
  return {
    errors: {
      target: jaegerSearch('$service').tags('error=true'),
      description:
        'Traces where a span of $service has status error (tail sampling keeps all of them). Choose api-gateway for every request.',
    },
    slow: {
      target: jaegerSearch('$service').minDuration('1s'),
      description:
        'Traces where a span of $service took longer than 1 s, the tail-sampling slow threshold (all of them are kept).',
    },
    service: { target: jaegerSearch('$service'), description: service },
  };
}

/**
 * Starting points into the trace store. Only sampled traces are stored: every error trace and
 * every trace slower than the collector's slow threshold (SAMPLING_SLOW_THRESHOLD_MS, 1 s by
 * default) plus a share of the rest, so the first two tables are complete and the third is a
 * sample.
 */
export function traceExplorer(services: readonly string[], backend: TracesBackend) {
  const datasource = backend === 'tempo' ? TEMPO : JAEGER;
  const query = searches(backend);
  const traces = (title: string, search: Search) =>
    table({
      title,
      description: search.description,
      unit: 'none',
      datasource,
      width: 24,
      height: 9,
    }).withTarget(search.target);
  const store = backend === 'tempo' ? 'Tempo' : 'Jaeger';
  return new DashboardBuilder('Tracing demo / Trace explorer')
    .uid('tracing-demo-trace-explorer')
    .description(`Recent error traces, the slowest traces and one service’s traces, from ${store}.`)
    .tags(['tracing-demo', 'traces', backend === 'tempo' ? 'traceql' : 'jaeger'])
    .time({ from: 'now-1h', to: 'now' })
    .withVariable(serviceVariable(services, { multi: false }))
    .withRow(new RowBuilder('Traces'))
    .withPanel(traces('Recent error traces', query.errors))
    .withPanel(traces('Slow traces', query.slow))
    .withPanel(traces('Traces of $service', query.service));
}
