import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { repoPath, toolPath } from '@tracing-demo/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { serviceImages } from './deploy-files.js';

const run = promisify(execFile);

interface Container {
  name: string;
  image: string;
  imagePullPolicy: string;
  env?: { name: string; value?: string }[];
  securityContext?: { readOnlyRootFilesystem?: boolean };
}

interface Workload {
  kind: string;
  metadata: { name: string };
  spec: {
    replicas?: number;
    template?: { spec: { containers: Container[] } };
  };
}

const services = serviceImages();

/** The image flags deploy/up.sh passes (services.<name>.image and tests.verify.image). */
const imageFlags = [
  ...services.map((s) => ({ key: `services.${s.name}`, image: `tracing-demo/${s.name}` })),
  { key: 'tests.verify', image: 'tracing-demo/cli' },
].flatMap(({ key, image }) => [
  '--set',
  `${key}.image.repository=${image}`,
  '--set',
  `${key}.image.tag=dev-0123456789ab`,
]);

/** The chart rendered by the real Helm as `make up` installs it, plus `extra` flags. */
async function render(...extra: string[]): Promise<Workload[]> {
  const { stdout } = await run(
    toolPath('helm'),
    [
      'template',
      'tracing-demo',
      'charts/tracing-demo',
      '--namespace',
      'tracing-demo',
      '--values',
      'deploy/dev-values.yaml',
      ...imageFlags,
      ...extra,
    ],
    { cwd: repoPath(), maxBuffer: 64 * 1024 * 1024 },
  );
  return parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as Workload | null)
    .filter((doc): doc is Workload => doc?.spec?.template !== undefined);
}

const containersOf = (workloads: Workload[], name: string) =>
  workloads.find((w) => w.metadata.name === name)?.spec.template?.spec.containers ?? [];

describe('deploy/dev-values.yaml with the chart', () => {
  let workloads: Workload[];
  beforeAll(async () => {
    workloads = await render();
  });

  it.each(services.map((s) => [s.name] as const))(
    'runs the %s image make up built, one replica, pulled only if missing',
    (name) => {
      const deployment = workloads.find((w) => w.metadata.name === `tracing-demo-${name}`);
      expect(deployment?.kind).toBe('Deployment');
      expect(deployment?.spec.replicas).toBe(1);
      const [container] = containersOf(workloads, `tracing-demo-${name}`);
      expect(container?.image).toBe(`tracing-demo/${name}:dev-0123456789ab`);
      expect(container?.imagePullPolicy).toBe('IfNotPresent');
    },
  );

  it("runs helm test's verify Job from the CLI image make up built", () => {
    const [container] = containersOf(workloads, 'tracing-demo-verify');
    expect(container?.image).toBe('tracing-demo/cli:dev-0123456789ab');
    expect(container?.imagePullPolicy).toBe('IfNotPresent');
  });

  it('turns on traffic and payment faults', () => {
    expect(containersOf(workloads, 'tracing-demo-loadgen')).toHaveLength(1);
    const env = containersOf(workloads, 'tracing-demo-payment-service')[0]?.env ?? [];
    expect(env).toContainEqual({ name: 'PAYMENT_FAILURE_RATE', value: '0.05' });
  });

  it('runs Jaeger as the trace store, with no volume to provision, and no Tempo', () => {
    expect(containersOf(workloads, 'tracing-demo-jaeger')).toHaveLength(1);
    const jaeger = workloads.find((w) => w.metadata.name === 'tracing-demo-jaeger') as Workload & {
      spec: { volumeClaimTemplates?: unknown[] };
    };
    expect(jaeger.spec.volumeClaimTemplates).toBeUndefined();
    expect(workloads.map((w) => w.metadata.name)).not.toContain('tracing-demo-tempo');
    const collector = containersOf(workloads, 'tracing-demo-collector')[0]?.env ?? [];
    expect(collector).toContainEqual({
      name: 'TRACES_OTLP_HTTP_ENDPOINT',
      value: 'http://tracing-demo-jaeger:4318',
    });
  });

  it('keeps every root filesystem read-only', () => {
    for (const workload of workloads) {
      for (const container of workload.spec.template?.spec.containers ?? []) {
        expect(container.securityContext?.readOnlyRootFilesystem, container.name).toBe(true);
      }
    }
  });
});

describe('deploy/tilt-values.yaml with the chart', () => {
  it("makes the services' root filesystems writable for Live Update, and only theirs", async () => {
    const workloads = await render('--values', 'deploy/tilt-values.yaml');
    const serviceDeployments = new Set(services.map((s) => `tracing-demo-${s.name}`));
    for (const workload of workloads) {
      const writable = serviceDeployments.has(workload.metadata.name);
      for (const container of workload.spec.template?.spec.containers ?? []) {
        expect(container.securityContext?.readOnlyRootFilesystem, container.name).toBe(!writable);
      }
    }
  });
});

describe('deploy/kind-config.yaml', () => {
  it('names the cluster the scripts and Tilt use', () => {
    const config = parse(readFileSync(repoPath('deploy/kind-config.yaml'), 'utf8'));
    expect(config.name).toBe('tracing-demo');
    const lib = readFileSync(repoPath('deploy/lib.sh'), 'utf8');
    expect(lib).toContain(`CLUSTER_NAME="\${CLUSTER_NAME:-tracing-demo}"`);
  });
});
