import { lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { repoPath } from '@tracing-demo/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHART, FULLNAME, find, helm, helmErrors, type Manifest, render, run } from './helm.ts';

/**
 * One source of truth: charts/tracing-demo/files/ links to the project's config directories,
 * so the chart deploys the very files the local stack runs and the tests load.
 */
const LINKS: [string, string][] = [
  ['files/collector', 'collector'],
  ['files/jaeger', 'jaeger'],
  ['files/tempo', 'tempo'],
  ['files/prometheus', 'prometheus'],
  ['files/grafana/provisioning', 'grafana/provisioning'],
  ['files/grafana/dashboards', 'grafana/dashboards'],
  ['files/services.yaml', 'services/services.yaml'],
];

/** Source files no template reads (left out of the package by .helmignore). */
const NOT_DEPLOYED = [
  'collector/builder.yaml',
  'collector/overlays/lb-resolver-static.yaml',
  'tempo/README.md',
];

const sources = (dir: string, pattern: RegExp) =>
  readdirSync(repoPath(dir))
    .filter((file) => pattern.test(file))
    .map((file) => `${dir}/${file}`)
    .filter((file) => !NOT_DEPLOYED.includes(file))
    .sort();

type Backend = 'tempo' | 'jaeger';
const BACKENDS: Backend[] = ['tempo', 'jaeger'];
const other = (backend: Backend): Backend => (backend === 'tempo' ? 'jaeger' : 'tempo');

/**
 * Each ConfigMap of the chart with traces.backend `backend` and the source files it must hold,
 * key = file name: the store's own config, the rules and Grafana files for every store plus that
 * store's (the other store's rule file, data source and dashboards are left out).
 */
const configMaps = (backend: Backend): [string, () => string[]][] => [
  [
    `${FULLNAME}-collector`,
    () => [...sources('collector', /\.yaml$/), ...sources('collector/overlays', /\.yaml$/)],
  ],
  [`${FULLNAME}-${backend}`, () => [`${backend}/${backend}.yaml`]],
  [
    `${FULLNAME}-prometheus-rules`,
    () =>
      sources('prometheus/rules', /\.yaml$/).filter(
        (file) => file !== `prometheus/rules/${other(backend)}.yaml`,
      ),
  ],
  [
    `${FULLNAME}-grafana-datasources`,
    () => [
      'grafana/provisioning/datasources/prometheus.yaml',
      `grafana/provisioning/datasources/${backend}.yaml`,
    ],
  ],
  [
    `${FULLNAME}-grafana-dashboard-providers`,
    () => sources('grafana/provisioning/dashboards', /\.yaml$/),
  ],
  [
    `${FULLNAME}-grafana-dashboards`,
    () => [
      ...sources('grafana/dashboards', /\.json$/),
      ...sources(`grafana/dashboards/${backend}`, /\.json$/),
    ],
  ],
];

describe('the chart links to the project config files (no copies that could drift)', () => {
  it.each(LINKS)('%s is a link to %s', (link, target) => {
    const path = join(CHART, link);
    expect(lstatSync(path).isSymbolicLink(), `${link} must be a symbolic link`).toBe(true);
    expect(realpathSync(path)).toBe(realpathSync(repoPath(target)));
  });

  it('holds nothing else in files/', () => {
    const entries = (dir: string): string[] =>
      readdirSync(join(CHART, dir), { withFileTypes: true }).flatMap((entry) => {
        const path = `${dir}/${entry.name}`;
        return entry.isDirectory() ? entries(path) : [path];
      });
    expect(entries('files').sort()).toEqual(LINKS.map(([link]) => link).sort());
  });
});

describe.each([
  ['defaults', 'tempo', []],
  ['two tiers', 'tempo', ['--set', 'collector.twoTier.enabled=true']],
  ['Jaeger', 'jaeger', ['--set', 'traces.backend=jaeger']],
] as [string, Backend, string[]][])('the rendered ConfigMaps (%s)', (_name, backend, args) => {
  let rendered: Manifest[];

  it("deploys the store's config and not the other store's", async () => {
    rendered ??= await render(args);
    expect(() => find(rendered, 'ConfigMap', `${FULLNAME}-${backend}`)).not.toThrow();
    expect(() => find(rendered, 'ConfigMap', `${FULLNAME}-${other(backend)}`)).toThrow();
  });

  it.each(configMaps(backend))('%s holds its source files byte for byte', async (name, files) => {
    rendered ??= await render(args);
    const configMap = find(rendered, 'ConfigMap', name);
    const expected = Object.fromEntries(
      files().map((file) => [basename(file), readFileSync(repoPath(file), 'utf8')]),
    );
    expect(Object.keys(configMap.data ?? {}).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, text] of Object.entries(expected)) {
      expect(configMap.data?.[key] === text, `${name}: ${key} differs from its source`).toBe(true);
    }
  });

  it("prometheus.yml is the source with the scrape targets replaced and the other store's job left out", async () => {
    rendered ??= await render(args);
    const deployed = parse(
      find(rendered, 'ConfigMap', `${FULLNAME}-prometheus`).data?.['prometheus.yml'] ?? '',
    );
    const source = parse(readFileSync(repoPath('prometheus/prometheus.yml'), 'utf8'));
    type Job = Record<string, unknown> & { job_name: string };
    const withoutTargets = (config: { scrape_configs: Job[] }) => ({
      ...config,
      scrape_configs: config.scrape_configs
        .filter((job) => job.job_name !== other(backend))
        .map(({ static_configs: _s, dns_sd_configs: _d, ...job }) => job),
    });
    expect(deployed.scrape_configs.map((job: Job) => job.job_name)).toContain(backend);
    expect(withoutTargets(deployed)).toEqual(withoutTargets(source));
    expect(JSON.stringify(deployed.scrape_configs)).not.toMatch(/127\.0\.0\.1/);
  });
});

describe('helm package', () => {
  const out = mkdtempSync(join(tmpdir(), 'tracing-demo-chart-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('follows the links: the packaged chart carries the config files byte for byte', async () => {
    const packaged = await helm(['package', 'charts/tracing-demo', '--destination', out]);
    expect(packaged.code, helmErrors(packaged.stderr)).toBe(0);
    const archive = readdirSync(out).find((file) => file.endsWith('.tgz')) as string;
    const untar = await run('tar', ['-xzf', join(out, archive), '-C', out]);
    expect(untar.code, untar.stderr).toBe(0);
    // Both stores' files: the backend is chosen at install time.
    const deployed = [
      ...new Set(
        BACKENDS.flatMap((backend) => configMaps(backend).flatMap(([, files]) => files())),
      ),
      'prometheus/prometheus.yml',
    ];
    for (const file of deployed) {
      const inPackage = readFileSync(join(out, 'tracing-demo', 'files', file), 'utf8');
      expect(inPackage === readFileSync(repoPath(file), 'utf8'), file).toBe(true);
    }
    for (const file of NOT_DEPLOYED) {
      expect(() => lstatSync(join(out, 'tracing-demo', 'files', file)), file).toThrow();
    }
  });
});
