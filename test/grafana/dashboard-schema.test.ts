import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  allPanels,
  BACKENDS,
  backendOf,
  committedDashboards,
  deployedDashboards,
  type Json,
} from './dashboard-queries.ts';
import { grafanaDashboardSchema } from './grafana-schema.ts';

// strict: false: the generated schema carries TypeScript-only annotations ajv does not know.
const validate = new Ajv({ allErrors: true, strict: false }).compile(grafanaDashboardSchema());
const dashboards = [...committedDashboards()];

describe.each(dashboards)('%s', (_file, dashboard: Json) => {
  it('validates against Grafana’s dashboard schema (from the foundation SDK’s types)', () => {
    validate(dashboard);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('has unique panel ids and panels inside the 24-column grid', () => {
    const panels = allPanels(dashboard);
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
  });

  it('uses only template variables it defines (besides Grafana’s $__ built-ins)', () => {
    const defined = new Set(dashboard.templating.list.map((v: { name: string }) => v.name));
    const used = JSON.stringify(dashboard.panels).matchAll(/\$\{?([A-Za-z_]\w*)/g);
    for (const [, name] of used) {
      if (!name?.startsWith('__')) expect(defined.has(name), `$${name}`).toBe(true);
    }
  });
});

it.each(BACKENDS)(
  'the dashboards an install with %s loads have unique uids and names',
  (backend) => {
    const deployed = [...deployedDashboards(backend)];
    const uids = deployed.map(([, dashboard]) => dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    // The chart mounts them into one directory.
    const names = deployed.map(([file]) => file.slice(file.lastIndexOf('/') + 1));
    expect(new Set(names).size).toBe(names.length);
  },
);

it('each store has the same per-store dashboards, with the same uids and titles', () => {
  const perStore = (backend: string) =>
    dashboards
      .filter(([file]) => backendOf(file) === backend)
      .map(([file, d]) => [file.slice(file.indexOf('/') + 1), d.uid, d.title]);
  const [first, ...rest] = BACKENDS.map(perStore);
  expect(first?.length).toBeGreaterThan(0);
  for (const other of rest) expect(other).toEqual(first);
});

it('a dashboard that queries a trace store is a per-store one', () => {
  const stores = new Set(['jaeger', 'tempo']);
  for (const [file, dashboard] of dashboards) {
    const types = allPanels(dashboard).flatMap((panel) => [
      panel.datasource?.type,
      ...(panel.targets ?? []).map((t: Json) => t.datasource?.type),
    ]);
    const store = backendOf(file);
    for (const type of types.filter((t) => stores.has(t))) expect(type, file).toBe(store);
  }
});

it.each([
  ['an unknown dashboard field', (d: Json) => Object.assign(d, { refreshRate: '5s' })],
  ['a panel without a type', (d: Json) => delete d.panels[1].type],
  ['a wrongly typed grid position', (d: Json) => Object.assign(d.panels[1].gridPos, { w: 'wide' })],
  ['an unknown panel field', (d: Json) => Object.assign(d.panels[1], { colour: 'red' })],
])('the schema rejects %s', (_case, breakIt) => {
  const [, sample] = dashboards[0] as [string, Json];
  const broken = structuredClone(sample);
  breakIt(broken);
  expect(validate(broken)).toBe(false);
});
