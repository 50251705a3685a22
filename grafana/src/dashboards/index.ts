import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { BACKENDS } from '../datasources.ts';
import { pipelineHealth } from './pipeline-health.ts';
import { serviceMap } from './service-map.ts';
import { serviceOverview } from './service-overview.ts';
import { traceExplorer } from './trace-explorer.ts';

/**
 * Every dashboard, keyed by its path under grafana/dashboards/: `*.json` for every install,
 * `<backend>/*.json` for the one trace store deployed. A dashboard has the same file name and
 * uid for both stores, so links and bookmarks do not depend on the store.
 */
export function buildDashboards(services: readonly string[]): Record<string, Dashboard> {
  const dashboards: Record<string, Dashboard> = {
    'service-overview.json': serviceOverview(services).build(),
  };
  for (const backend of BACKENDS) {
    dashboards[`${backend}/service-map.json`] = serviceMap(backend).build();
    dashboards[`${backend}/pipeline-health.json`] = pipelineHealth(backend).build();
    dashboards[`${backend}/trace-explorer.json`] = traceExplorer(services, backend).build();
  }
  return dashboards;
}
