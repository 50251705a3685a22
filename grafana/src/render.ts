import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboards } from './dashboards/index.ts';
import { readServices } from './services.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Sorted keys at every level: the committed JSON diffs only where a dashboard really changed. */
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys(value[key] as Json)]),
    );
  }
  return value;
}

interface PanelLike {
  id?: number;
  targets?: { refId?: string }[];
  panels?: PanelLike[];
}

/**
 * Numbers panels 1..n in reading order (rows' nested panels included) and letters each panel's
 * queries A, B, …: Grafana needs both unique, and deriving them here keeps the builders free of
 * bookkeeping and the output stable.
 */
function normalize(dashboard: Dashboard): Dashboard {
  let id = 0;
  const visit = (panels: PanelLike[] | undefined) => {
    for (const panel of panels ?? []) {
      panel.id = ++id;
      (panel.targets ?? []).forEach((target, index) => {
        target.refId = String.fromCharCode(65 + index);
      });
      visit(panel.panels);
    }
  };
  visit(dashboard.panels as PanelLike[] | undefined);
  // The SDK leaves these as {} when empty; Grafana's model has a `list` in both.
  dashboard.annotations = { list: dashboard.annotations?.list ?? [] };
  dashboard.templating = { list: dashboard.templating?.list ?? [] };
  return dashboard;
}

/** Pretty-printed, key-sorted JSON with a trailing newline, as committed. */
export function renderDashboard(dashboard: Dashboard): string {
  return `${JSON.stringify(sortKeys(normalize(dashboard) as unknown as Json), null, 2)}\n`;
}

/** Path under grafana/dashboards/ → file contents, for every dashboard. */
export function renderAll(services: readonly string[] = readServices()): Map<string, string> {
  return new Map(
    Object.entries(buildDashboards(services)).map(([file, dashboard]) => [
      file,
      renderDashboard(dashboard),
    ]),
  );
}
