import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { prom, timeseries } from '../panels.ts';
import { errorRatio, latencyQuantile, requestRate } from '../promql.ts';
import { serviceVariable } from '../variables.ts';

const LATENCY_NOTE =
  'Exemplars (dots) link to the trace in the trace store; a trace is only there if tail sampling kept it (errors, slow traces, a share of the rest).';

/**
 * RED metrics (rate, errors, duration) from the span metrics, which the collector computes from
 * every span before tail sampling: these numbers are not skewed by what sampling drops.
 * One overview row for the services chosen in `$service`, then one collapsed row per service.
 */
export function serviceOverview(services: readonly string[]) {
  const dashboard = new DashboardBuilder('Tracing demo / Service overview')
    .uid('tracing-demo-service-overview')
    .description('Request rate, error ratio and latency per service and route, from span metrics.')
    .tags(['tracing-demo', 'red', 'span-metrics'])
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .withVariable(serviceVariable(services, { multi: true }))
    .withRow(new RowBuilder('Services'))
    .withPanel(
      timeseries({
        title: 'Request rate',
        description: 'Entry spans (SERVER, CONSUMER) per second, by service.',
        unit: 'reqps',
      }).withTarget(
        prom(requestRate('service_name=~"$service"', 'service_name'), '{{service_name}}'),
      ),
    )
    .withPanel(
      timeseries({
        title: 'Error ratio',
        description: 'Share of entry spans with status ERROR, by service.',
        unit: 'percentunit',
      })
        .max(1)
        .withTarget(
          prom(errorRatio('service_name=~"$service"', 'service_name'), '{{service_name}}'),
        ),
    )
    .withPanel(
      timeseries({
        title: 'Latency p95',
        description: `95th percentile duration of entry spans, by service. ${LATENCY_NOTE}`,
        unit: 's',
      }).withTarget(
        prom(
          latencyQuantile(0.95, 'service_name=~"$service"', 'service_name'),
          '{{service_name}}',
          {
            exemplar: true,
          },
        ),
      ),
    );

  for (const service of services) dashboard.withRow(serviceRow(service));
  return dashboard;
}

/** One service's RED by route; collapsed so the dashboard loads only what is opened. */
function serviceRow(service: string) {
  const selector = `service_name="${service}"`;
  const route = 'http_request_method, http_route';
  const routeLegend = '{{http_request_method}} {{http_route}}';
  return new RowBuilder(service)
    .withPanel(
      timeseries({
        title: `${service}: requests by route`,
        description: `Entry spans per second of ${service}, by HTTP method and route (message consumers have no route).`,
        unit: 'reqps',
        width: 6,
      }).withTarget(prom(requestRate(selector, route), routeLegend)),
    )
    .withPanel(
      timeseries({
        title: `${service}: error ratio by route`,
        description: `Share of ${service}'s entry spans with status ERROR, by HTTP method and route.`,
        unit: 'percentunit',
        width: 6,
      })
        .max(1)
        .withTarget(prom(errorRatio(selector, route), routeLegend)),
    )
    .withPanel(
      timeseries({
        title: `${service}: latency`,
        description: `p50, p95 and p99 duration of ${service}'s entry spans. ${LATENCY_NOTE}`,
        unit: 's',
        width: 6,
      })
        .withTarget(prom(latencyQuantile(0.5, selector, ''), 'p50', { exemplar: true }))
        .withTarget(prom(latencyQuantile(0.95, selector, ''), 'p95', { exemplar: true }))
        .withTarget(prom(latencyQuantile(0.99, selector, ''), 'p99', { exemplar: true })),
    )
    .withPanel(
      timeseries({
        title: `${service}: p95 by route`,
        description: `95th percentile duration of ${service}'s entry spans, by HTTP method and route. ${LATENCY_NOTE}`,
        unit: 's',
        width: 6,
      }).withTarget(prom(latencyQuantile(0.95, selector, route), routeLegend, { exemplar: true })),
    );
}
