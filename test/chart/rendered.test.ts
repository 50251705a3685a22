import {
  appendFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolPath } from '@tracing-demo/platform';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allScenarios,
  CHART,
  FULLNAME,
  find,
  helm,
  helmErrors,
  type Manifest,
  manifests,
  NAMESPACE,
  RELEASE,
  render,
  run,
  template,
  WORKLOAD_KINDS,
} from './helm.ts';

const scratch = mkdtempSync(join(tmpdir(), 'tracing-demo-rendered-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const workloads = (all: Manifest[]) => all.filter((m) => WORKLOAD_KINDS.includes(m.kind));

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  securityContext?: Record<string, unknown>;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
}

describe.each(allScenarios())('every pod (%s)', (_name, args) => {
  it('meets Pod Security "restricted" and has resources', async () => {
    for (const workload of workloads(await render(args))) {
      const pod = workload.spec.template.spec;
      const where = `${workload.kind} ${workload.metadata.name}`;
      expect(pod.securityContext, where).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext.runAsUser, where).toBeGreaterThan(0);
      expect(pod.hostNetwork ?? false, where).toBe(false);
      for (const container of [...(pod.initContainers ?? []), ...pod.containers] as Container[]) {
        expect(container.securityContext, `${where}: ${container.name}`).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources?.limits?.memory, `${where}: ${container.name}`).toBeDefined();
        expect(container.resources?.requests?.cpu, `${where}: ${container.name}`).toBeDefined();
      }
      for (const volume of pod.volumes ?? []) expect(volume.hostPath, where).toBeUndefined();
    }
  });
});

describe('rendering', () => {
  /** Generated Secrets are random outside a cluster (lookup finds nothing): compare the rest. */
  const withoutGeneratedSecrets = (text: string) =>
    manifests(text).map((m) => (m.kind === 'Secret' ? { ...m, data: undefined } : m));

  it('is deterministic apart from the generated secrets', async () => {
    const [first, second] = [await template(), await template()];
    expect(withoutGeneratedSecrets(second)).toEqual(withoutGeneratedSecrets(first));
    expect(first).not.toEqual(second);
  });

  it('keeps the names and values other tools rely on (Tiltfile, e2e, docs)', async () => {
    const all = await render([
      '--set',
      'services.api-gateway.image.repository=localhost:5000/api-gateway',
      '--set',
      'services.api-gateway.image.tag=tilt-build-1',
      '--set',
      'global.imagePullPolicy=Never',
    ]);
    const gateway = find(all, 'Deployment', `${FULLNAME}-api-gateway`);
    expect(gateway.spec.template.spec.containers[0]).toMatchObject({
      image: 'localhost:5000/api-gateway:tilt-build-1',
      imagePullPolicy: 'Never',
    });
    const port = (name: string) => find(all, 'Service', `${FULLNAME}-${name}`).spec.ports[0].port;
    expect(port('api-gateway')).toBe(3000);
    expect(port('grafana')).toBe(3000);
    expect(port('tempo')).toBe(3200);
    const jaeger = await render(['--set', 'traces.backend=jaeger']);
    const jaegerPorts = find(jaeger, 'Service', `${FULLNAME}-jaeger`).spec.ports;
    expect(
      Object.fromEntries(jaegerPorts.map((p: { name: string; port: number }) => [p.name, p.port])),
    ).toMatchObject({
      'query-http': 16686,
      'otlp-http': 4318,
    });
    const withoutGrafana = await render(['--set', 'grafana.enabled=false']);
    expect(withoutGrafana.some((m) => m.metadata.name.startsWith(`${FULLNAME}-grafana`))).toBe(
      false,
    );
  });
});

describe('config checksums roll the pods that read a changed file', () => {
  const checksums = (all: Manifest[]) =>
    Object.fromEntries(
      workloads(all).map((w) => [
        w.metadata.name,
        w.spec.template.metadata.annotations?.['checksum/config'] as string | undefined,
      ]),
    );

  it('changes the collector pods checksum, and only theirs, when its config file changes', async () => {
    // A copy of the chart with every link resolved into a real file (cp -L: Node's cpSync keeps
    // links, and writing through one would change the project's file).
    const copy = join(scratch, 'chart');
    const copied = await run('cp', ['-RL', CHART, copy]);
    expect(copied.code, copied.stderr).toBe(0);
    const changed = join(copy, 'files/collector/otel-collector.yaml');
    expect(lstatSync(join(copy, 'files/collector')).isSymbolicLink()).toBe(false);
    expect(realpathSync(changed).startsWith(realpathSync(scratch))).toBe(true);
    const renderCopy = async () => {
      const result = await helm(['template', RELEASE, copy, '--namespace', NAMESPACE]);
      expect(result.code, helmErrors(result.stderr)).toBe(0);
      return checksums(manifests(result.stdout));
    };
    const before = await renderCopy();
    appendFileSync(changed, '# changed\n');
    const after = await renderCopy();
    expect(after[`${FULLNAME}-collector`]).toMatch(/^[0-9a-f]{64}$/);
    expect(after[`${FULLNAME}-collector`]).not.toBe(before[`${FULLNAME}-collector`]);
    for (const name of ['tempo', 'prometheus', 'grafana']) {
      expect(after[`${FULLNAME}-${name}`], name).toBe(before[`${FULLNAME}-${name}`]);
    }
  });

  it("changes Prometheus' checksum when its scrape targets change with the values", async () => {
    const oneTier = checksums(await render());
    const twoTiers = checksums(await render(['--set', 'collector.twoTier.enabled=true']));
    expect(twoTiers[`${FULLNAME}-prometheus`]).not.toBe(oneTier[`${FULLNAME}-prometheus`]);
    const sameConfig = checksums(await render(['--set', 'services.loadgen.config.rate=9']));
    expect(sameConfig).toEqual(oneTier);
  });
});

describe('the rendered configs pass the real programs', () => {
  /** Writes a collector ConfigMap's files to a directory standing in for its /conf mount. */
  const mountConfig = (configMap: Manifest, dir: string) => {
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(configMap.data ?? {})) {
      writeFileSync(join(dir, file), text);
    }
  };

  it.each([
    ['one tier', []],
    ['two tiers', ['--set', 'collector.twoTier.enabled=true']],
    ['no k8s_attributes', ['--set', 'collector.kubernetesAttributes.enabled=false']],
  ])('otelcol validate accepts every collector workload (%s)', async (name, args) => {
    const all = await render(args);
    const conf = join(scratch, `collector-${name.replaceAll(' ', '-')}`);
    mountConfig(find(all, 'ConfigMap', `${FULLNAME}-collector`), conf);
    const collectors = workloads(all).filter((w) => w.metadata.name.includes('-collector'));
    expect(collectors.length).toBe(name === 'two tiers' ? 2 : 1);
    for (const workload of collectors) {
      const container = workload.spec.template.spec.containers[0] as Container;
      const env = Object.fromEntries(
        (container.env ?? []).flatMap((v) => (v.value === undefined ? [] : [[v.name, v.value]])),
      );
      const configArgs = (container.args ?? []).map((arg) => arg.replace('/conf/', `${conf}/`));
      const result = await run(toolPath('otelcol'), ['validate', ...configArgs], {
        env: { ...process.env, ...env },
      });
      expect(result.code, `${workload.metadata.name}: ${result.stderr}`).toBe(0);
    }
  });

  it.each([
    ['one tier', []],
    ['two tiers', ['--set', 'collector.twoTier.enabled=true']],
    ['Jaeger as the store', ['--set', 'traces.backend=jaeger']],
    [
      'no collector or trace store in the release',
      [
        '-f',
        'charts/tracing-demo/ci/services-only-values.yaml',
        '--set',
        'prometheus.enabled=true',
      ],
    ],
  ])('promtool check config accepts prometheus.yml and its rules (%s)', async (name, args) => {
    const all = await render(args);
    const dir = join(scratch, `prometheus-${name.replaceAll(' ', '-')}`);
    mkdirSync(join(dir, 'rules'), { recursive: true });
    const config = find(all, 'ConfigMap', `${FULLNAME}-prometheus`);
    writeFileSync(join(dir, 'prometheus.yml'), config.data?.['prometheus.yml'] ?? '');
    for (const [file, text] of Object.entries(
      find(all, 'ConfigMap', `${FULLNAME}-prometheus-rules`).data ?? {},
    )) {
      writeFileSync(join(dir, 'rules', file), text);
    }
    const result = await run(toolPath('promtool'), [
      'check',
      'config',
      join(dir, 'prometheus.yml'),
    ]);
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
  });

  /** The Jaeger container's config directory and environment, as the chart renders them. */
  const jaegerPod = (all: Manifest[], dir: string) => {
    mountConfig(find(all, 'ConfigMap', `${FULLNAME}-jaeger`), dir);
    const container = find(all, 'StatefulSet', `${FULLNAME}-jaeger`).spec.template.spec
      .containers[0] as Container;
    const env = Object.fromEntries(
      (container.env ?? []).flatMap((v) => (v.value === undefined ? [] : [[v.name, v.value]])),
    );
    const args = (container.args ?? []).map((arg) => arg.replace('file:/conf/', `file:${dir}/`));
    return { env, args };
  };

  it.each([
    ['badger, SPM on the release Prometheus', ['--set', 'traces.backend=jaeger']],
    [
      'memory, no SPM',
      [
        ...['--set', 'traces.backend=jaeger', '--set', 'jaeger.storage.backend=memory'],
        ...['--set', 'jaeger.spm.enabled=false'],
      ],
    ],
    ['the two-tier scenario', ['-f', 'charts/tracing-demo/ci/jaeger-values.yaml']],
  ])('jaeger validate accepts the Jaeger workload (%s)', async (name, args) => {
    const all = await render(args);
    const { env, args: jaegerArgs } = jaegerPod(
      all,
      join(scratch, `jaeger-${name.replace(/\W+/g, '-')}`),
    );
    expect(jaegerArgs).toEqual([expect.stringMatching(/^--config=file:\//)]);
    const result = await run(toolPath('jaeger'), ['validate', ...jaegerArgs], {
      env: { ...process.env, ...env },
    });
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it('jaeger validate would reject a value the chart got wrong (the check above can fail)', async () => {
    const { env, args } = jaegerPod(
      await render(['--set', 'traces.backend=jaeger']),
      join(scratch, 'jaeger-negative'),
    );
    const result = await run(toolPath('jaeger'), ['validate', ...args], {
      env: { ...process.env, ...env, JAEGER_MEMORY_MAX_TRACES: 'many' },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/max_traces/);
  });
});
