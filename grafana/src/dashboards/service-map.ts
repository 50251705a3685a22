import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as NodeGraphPanel } from '@grafana/grafana-foundation-sdk/nodegraph';
import {
  DataqueryBuilder as TempoQuery,
  TempoQueryType,
} from '@grafana/grafana-foundation-sdk/tempo';
import { TEMPO } from '../datasources.ts';
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
 * Who calls whom, from the collector's service_graph connector (every span, before sampling).
 * The node graph is the Tempo data source's service map, which reads these same metrics from
 * Prometheus (jsonData.serviceMap in provisioning), so the picture and the tables agree.
 */
export function serviceMap() {
  return new DashboardBuilder('Tracing demo / Service map')
    .uid('tracing-demo-service-map')
    .description(
      'Service dependencies with request and error rates per edge, from service-graph metrics.',
    )
    .tags(['tracing-demo', 'service-graph'])
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .withRow(new RowBuilder('Dependencies'))
    .withPanel(
      new NodeGraphPanel()
        .title('Service map')
        .description(
          'Services and their calls (HTTP, RabbitMQ, PostgreSQL). Node and edge stats are request rate, error share and latency; click a node for its traces.',
        )
        .datasource(TEMPO)
        .span(24)
        .height(14)
        .withTarget(new TempoQuery().datasource(TEMPO).queryType(TempoQueryType.ServiceMap)),
    )
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
