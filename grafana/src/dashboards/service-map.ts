import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as NodeGraphPanel } from '@grafana/grafana-foundation-sdk/nodegraph';
import {
  DataqueryBuilder as TempoQuery,
  TempoQueryType,
} from '@grafana/grafana-foundation-sdk/tempo';
import { JAEGER, TEMPO, type TracesBackend } from '../datasources.ts';
import { jaegerDependencies } from '../jaeger.ts';
import { prom, promTable, table, timeseries } from '../panels.ts';

const EDGE_REQUESTS = 'traces_service_graph_request_total';
const EDGE_FAILURES = 'traces_service_graph_request_failed_total';
const rate = (metric: string) => `sum by (client, server) (rate(${metric}[$__rate_interval]))`;

/** Hides the instant query's timestamp and names the value column. */
const valueColumn = (name: string) => ({
  id: 'organize',
  options: { excludeByName: { Time: true }, renameByName: { Value: name } },
});

/**
 * The node graph: Tempo's service map reads the collector's service-graph metrics from Prometheus
 * (jsonData.serviceMap in provisioning), so it agrees with the tables; Jaeger's dependency graph
 * is computed from the traces it stored, so its call counts cover sampled traces only.
 */
function nodeGraph(backend: TracesBackend) {
  const panel = new NodeGraphPanel().title('Service map').span(24).height(14);
  if (backend === 'tempo') {
    return panel
      .description(
        'Services and their calls (HTTP, RabbitMQ, PostgreSQL). Node and edge stats are request rate, error share and latency; click a node for its traces.',
      )
      .datasource(TEMPO)
      .withTarget(new TempoQuery().datasource(TEMPO).queryType(TempoQueryType.ServiceMap));
  }
  return panel
    .description(
      'Services and their calls, from the traces Jaeger stored: edge numbers count calls in sampled traces only (errors, slow ones and a share of the rest). The tables below count every call.',
    )
    .datasource(JAEGER)
    .withTarget(jaegerDependencies());
}

/**
 * Who calls whom, from the collector's service_graph connector (every span, before sampling),
 * under the trace store's picture of the same graph.
 */
export function serviceMap(backend: TracesBackend) {
  return new DashboardBuilder('Tracing demo / Service map')
    .uid('tracing-demo-service-map')
    .description(
      'Service dependencies with request and error rates per edge, from service-graph metrics.',
    )
    .tags(['tracing-demo', 'service-graph'])
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .withRow(new RowBuilder('Dependencies'))
    .withPanel(nodeGraph(backend))
    .withPanel(
      table({
        title: 'Edge request rate',
        description: 'Requests per second from client to server (client and server span pairs).',
        unit: 'reqps',
      })
        .withTarget(promTable(rate(EDGE_REQUESTS)))
        .withTransformation(valueColumn('requests/s')),
    )
    .withPanel(
      table({
        title: 'Edge error ratio',
        description: 'Share of the requests on each edge where the client or server span failed.',
        unit: 'percentunit',
      })
        .withTarget(
          promTable(
            `(${rate(EDGE_FAILURES)} or ${rate(EDGE_REQUESTS)} * 0) / ${rate(EDGE_REQUESTS)}`,
          ),
        )
        .withTransformation(valueColumn('error ratio')),
    )
    .withPanel(
      timeseries({
        title: 'Edge latency p95',
        description: 'p95 of the server-side duration of each edge.',
        unit: 's',
        width: 24,
      }).withTarget(
        prom(
          'histogram_quantile(0.95, sum by (le, client, server) (rate(traces_service_graph_request_server_seconds_bucket[$__rate_interval])))',
          '{{client}} → {{server}}',
        ),
      ),
    );
}
