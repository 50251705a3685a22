import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { allPanels, committedDashboards, type Json } from './dashboard-queries.ts';
import { dashboardSchema } from './dashboard-structure.ts';

const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(
  dashboardSchema,
);
const dashboards = [...committedDashboards()];

describe.each(dashboards)('%s', (_file, dashboard: Json) => {
  it('has the structure Grafana needs (structural check, not Grafana’s own schema)', () => {
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

it('the structural check rejects what Grafana would not load', () => {
  const [, sample] = dashboards[0] as [string, Json];
  const broken = structuredClone(sample);
  delete broken.panels[1].gridPos;
  broken.uid = 'x';
  expect(validate(broken)).toBe(false);
});
