import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '@tracing-demo/testkit';

export const DASHBOARD_DIR = repoPath('grafana', 'dashboards');

// biome-ignore lint/suspicious/noExplicitAny: dashboards are untyped JSON checked field by field
export type Json = any;

/** The committed dashboards, file name → parsed JSON. */
export function committedDashboards(): Map<string, Json> {
  return new Map(
    readdirSync(DASHBOARD_DIR)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => [file, JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8'))]),
  );
}

/** Every panel, rows' nested panels included. */
export function allPanels(dashboard: Json): Json[] {
  return (dashboard.panels ?? []).flatMap((panel: Json) => [panel, ...(panel.panels ?? [])]);
}

export interface Query {
  where: string;
  datasourceUid: string;
  /** PromQL `expr` or TraceQL `query`. */
  text: string;
}

/** Every query of every panel, with the data source it goes to. */
export function allQueries(): Query[] {
  const queries: Query[] = [];
  for (const [file, dashboard] of committedDashboards()) {
    for (const panel of allPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        const datasourceUid = target.datasource?.uid ?? panel.datasource?.uid;
        const text = target.expr ?? target.query;
        if (typeof text === 'string') {
          queries.push({ where: `${file}: "${panel.title}" ${target.refId}`, datasourceUid, text });
        }
      }
    }
  }
  return queries;
}

/**
 * Grafana's variables replaced by values of the right shape, so the parsers see what Prometheus
 * and Tempo would receive.
 */
export function substituteVariables(text: string): string {
  return text
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '30s')
    .replaceAll('$__range', '1h')
    .replaceAll('$__tags', 'service_name="api-gateway"')
    .replaceAll('$service', 'api-gateway');
}
