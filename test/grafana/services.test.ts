import { readdirSync } from 'node:fs';
import { repoPath } from '@tracing-demo/platform';
import { expect, it } from 'vitest';
import { CLIENT_ONLY, readServices } from '../../grafana/src/services.ts';
import { committedDashboards } from './dashboard-queries.ts';

it('the dashboards service list is the services/ directory but the client-only ones', () => {
  const directories = readdirSync(repoPath('services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => !CLIENT_ONLY.has(name))
    .sort();
  expect(readServices()).toEqual(directories);
});

it('the service overview has one row per service and offers each in $service', () => {
  const overview = committedDashboards().get('service-overview.json');
  const rows = overview.panels
    .filter((panel: { type: string }) => panel.type === 'row')
    .map((row: { title: string }) => row.title);
  expect(rows).toEqual(['Services', ...readServices()]);
  const service = overview.templating.list.find((v: { name: string }) => v.name === 'service');
  expect(service.options.map((o: { value: string }) => o.value)).toEqual(readServices());
});
