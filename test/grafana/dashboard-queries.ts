import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '@tracing-demo/platform';
import { BACKENDS, type TracesBackend } from '../../grafana/src/datasources.ts';

export { BACKENDS, type TracesBackend };

export const DASHBOARD_DIR = repoPath('grafana', 'dashboards');

// biome-ignore lint/suspicious/noExplicitAny: dashboards are untyped JSON checked field by field
export type Json = any;

/** The committed dashboards, path under grafana/dashboards/ (`x.json`, `jaeger/x.json`) → JSON. */
export function committedDashboards(): Map<string, Json> {
  return new Map(
    readdirSync(DASHBOARD_DIR, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => [file, JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8'))]),
  );
}

/** The store a dashboard is for (`<backend>/x.json`), or undefined for one every install loads. */
export function backendOf(file: string): TracesBackend | undefined {
  const dir = file.includes('/') ? file.slice(0, file.indexOf('/')) : undefined;
  return BACKENDS.find((backend) => backend === dir);
}

/** What an install with this trace store loads: the neutral dashboards and the store's own. */
export function deployedDashboards(backend: TracesBackend): Map<string, Json> {
  return new Map(
    [...committedDashboards()].filter(([file]) => [undefined, backend].includes(backendOf(file))),
  );
}

/** Every panel, rows' nested panels included. */
export function allPanels(dashboard: Json): Json[] {
  return (dashboard.panels ?? []).flatMap((panel: Json) => [panel, ...(panel.panels ?? [])]);
}

export interface Query {
  where: string;
  file: string;
  datasourceUid: string;
  /** prometheus, tempo or jaeger: the two stores share the uid `traces`. */
  datasourceType: string;
  /** PromQL `expr` or TraceQL `query`; undefined for a query without text (Jaeger, service map). */
  text?: string;
  target: Json;
}

/** Every query of every panel of the given dashboards, with the data source it goes to. */
export function allQueries(dashboards: Map<string, Json> = committedDashboards()): Query[] {
  const queries: Query[] = [];
  for (const [file, dashboard] of dashboards) {
    for (const panel of allPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        const datasource = target.datasource ?? panel.datasource ?? {};
        const text = target.expr ?? target.query;
        queries.push({
          where: `${file}: "${panel.title}" ${target.refId}`,
          file,
          datasourceUid: datasource.uid,
          datasourceType: datasource.type,
          text: typeof text === 'string' && text !== '' ? text : undefined,
          target,
        });
      }
    }
  }
  return queries;
}

export const promqlQueries = (queries: Query[] = allQueries()) =>
  queries.filter((q) => q.datasourceType === 'prometheus');
export const traceqlQueries = (queries: Query[] = allQueries()) =>
  queries.filter((q) => q.datasourceType === 'tempo' && q.text !== undefined);
export const jaegerQueries = (queries: Query[] = allQueries()) =>
  queries.filter((q) => q.datasourceType === 'jaeger');

/**
 * Grafana's variables replaced by values of the right shape, so the parsers see what Prometheus
 * and the trace store would receive.
 */
export function substituteVariables(text: string): string {
  return text
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '30s')
    .replaceAll('$__range', '1h')
    .replaceAll('$__tags', 'service_name="api-gateway"')
    .replaceAll('$service', 'api-gateway');
}
