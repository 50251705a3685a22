import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { allPanels, committedDashboards, type Json } from './dashboard-queries.ts';
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

it('dashboard uids are unique', () => {
  const uids = dashboards.map(([, dashboard]) => dashboard.uid);
  expect(new Set(uids).size).toBe(uids.length);
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
