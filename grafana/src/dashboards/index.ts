import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { pipelineHealth } from './pipeline-health.ts';
import { serviceMap } from './service-map.ts';
import { serviceOverview } from './service-overview.ts';
import { traceExplorer } from './trace-explorer.ts';

/** Every dashboard, keyed by the file name it is written to under grafana/dashboards/. */
export function buildDashboards(services: readonly string[]): Record<string, Dashboard> {
  return {
    'service-overview.json': serviceOverview(services).build(),
    'service-map.json': serviceMap().build(),
    'pipeline-health.json': pipelineHealth().build(),
    'trace-explorer.json': traceExplorer(services).build(),
  };
}
