/**
 * The chart derives every service from services/services.yaml (its files/services.yaml). Adding a
 * service is one manifest entry: a copy of the chart with a throwaway `sample-service` (port 3020,
 * called by the gateway, using PostgreSQL) and no block in values.yaml renders it, kubeconform
 * accepts every object, and the NetworkPolicies open exactly its declared edges.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import {
  CHART,
  CRD_KINDS,
  FULLNAME,
  find,
  helmErrors,
  kubeconform,
  type Manifest,
  manifests,
  render,
  template,
} from './helm.ts';

const SAMPLE = 'sample-service';
const name = (component: string) => `${FULLNAME}-${component}`;

/** Copies a directory with every symbolic link below it replaced by what it points to. */
function copyResolved(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    if (statSync(source).isDirectory()) copyResolved(source, join(to, entry));
    else copyFileSync(source, join(to, entry));
  }
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

function env(all: Manifest[], service: string): EnvVar[] {
  return find(all, 'Deployment', name(service)).spec.template.spec.containers[0].env;
}

interface PolicyPeer {
  podSelector?: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; values: string[] }[];
  };
  namespaceSelector?: unknown;
  ipBlock?: unknown;
}

interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { protocol?: string; port: number | string }[];
}

/** The components a peer selects; `*` for anything that is not a pod of this release. */
function components(peer: PolicyPeer): string[] {
  if (peer.namespaceSelector || peer.ipBlock || !peer.podSelector) return ['*'];
  const component = peer.podSelector.matchLabels?.['app.kubernetes.io/component'];
  if (component) return [component];
  const expression = peer.podSelector.matchExpressions?.find(
    (e) => e.key === 'app.kubernetes.io/component',
  );
  return expression ? expression.values : ['*'];
}

/**
 * Every edge the NetworkPolicies open, as "ingress|egress from -> to :port" (the policy's own
 * component on one end, `*` for any peer or port).
 */
function edges(all: Manifest[]): Set<string> {
  const found = new Set<string>();
  for (const policy of all.filter((m) => m.kind === 'NetworkPolicy')) {
    const self = policy.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] ?? '*';
    const add = (direction: string, rule: PolicyRule, peers: PolicyPeer[] | undefined) => {
      const others = peers ? peers.flatMap(components) : ['*'];
      const ports = rule.ports ? rule.ports.map((p) => String(p.port)) : ['*'];
      for (const other of others) {
        for (const port of ports) {
          const [from, to] = direction === 'ingress' ? [other, self] : [self, other];
          found.add(`${direction} ${from} -> ${to} :${port}`);
        }
      }
    };
    for (const rule of (policy.spec.ingress ?? []) as PolicyRule[]) add('ingress', rule, rule.from);
    for (const rule of (policy.spec.egress ?? []) as PolicyRule[]) add('egress', rule, rule.to);
  }
  return found;
}

describe('a service added to services/services.yaml only', () => {
  let chart: string;
  let rendered: string;
  let all: Manifest[];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracing-demo-manifest-'));
    chart = join(dir, 'tracing-demo');
    // The chart's files/ are links into the repository: the copy holds what they point to, so
    // writing its manifest leaves services/services.yaml alone.
    copyResolved(CHART, chart);
    const manifest = parseDocument(readFileSync(repoPath('services/services.yaml'), 'utf8'));
    manifest.setIn(['services', SAMPLE], {
      description: 'a throwaway service of this test',
      port: 3020,
      exposure: 'cluster',
      postgresql: true,
    });
    manifest.setIn(['services', 'api-gateway', 'calls', SAMPLE], 'SAMPLE_SERVICE_URL');
    writeFileSync(join(chart, 'files/services.yaml'), manifest.toString());
    rendered = await template([], chart);
    all = manifests(rendered);
  });
  afterAll(() => {
    if (chart) rmSync(join(chart, '..'), { recursive: true, force: true });
  });

  it('renders its Deployment with the default values and its Service on its port', () => {
    const deployment = find(all, 'Deployment', name(SAMPLE));
    const container = deployment.spec.template.spec.containers[0];
    expect(deployment.spec.replicas).toBe(1);
    expect(container.image).toMatch(/^tracing-demo\/sample-service:/);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 3020, protocol: 'TCP' }]);
    expect(container.resources).toEqual({
      requests: { cpu: '50m', memory: '96Mi' },
      limits: { memory: '256Mi' },
    });
    const variables = env(all, SAMPLE);
    expect(variables).toContainEqual({ name: 'PORT', value: '3020' });
    expect(variables).toContainEqual({ name: 'OTEL_SERVICE_NAME', value: SAMPLE });
    expect(variables.map((v) => v.name)).toContain('DATABASE_URL');
    expect(variables.map((v) => v.name)).not.toContain('AMQP_URL');
    expect(find(all, 'Service', name(SAMPLE)).spec.ports).toEqual([
      { name: 'http', port: 3020, targetPort: 'http', protocol: 'TCP' },
    ]);
  });

  it("puts its URL in its caller's environment", () => {
    expect(env(all, 'api-gateway')).toContainEqual({
      name: 'SAMPLE_SERVICE_URL',
      value: `http://${name(SAMPLE)}:3020`,
    });
  });

  it('takes a values block checked against the manifest: a config key it lacks fails the render', async () => {
    const all = await render(['--set', `services.${SAMPLE}.replicas=3`], chart);
    expect(find(all, 'Deployment', name(SAMPLE)).spec.replicas).toBe(3);
    const error = await template(['--set', `services.${SAMPLE}.config.batchSize=5`], chart).then(
      () => '',
      (e: Error) => helmErrors(e.message),
    );
    expect(error).toContain(
      `services.${SAMPLE}.config.batchSize has no environment variable in services/services.yaml`,
    );
  });

  it('renders only objects kubeconform accepts', async () => {
    const result = await kubeconform(rendered);
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    const crds = all.filter((m) => CRD_KINDS.includes(m.kind)).length;
    expect(result.stdout).toMatch(
      new RegExp(`Valid: \\d+, Invalid: 0, Errors: 0, Skipped: ${crds}\\b`),
    );
  });

  it('gets exactly its declared edges, each open on both ends, and its telemetry', async () => {
    const before = edges(await render());
    const added = [...edges(all)].filter((edge) => !before.has(edge)).sort();
    expect(added).toEqual(
      [
        `egress api-gateway -> ${SAMPLE} :3020`,
        `ingress api-gateway -> ${SAMPLE} :3020`,
        `egress ${SAMPLE} -> postgresql :5432`,
        `ingress ${SAMPLE} -> postgresql :5432`,
        // Every service sends its spans to the collector.
        `egress ${SAMPLE} -> collector :4317`,
        `egress ${SAMPLE} -> collector :4318`,
        `ingress ${SAMPLE} -> collector :4317`,
        `ingress ${SAMPLE} -> collector :4318`,
      ].sort(),
    );
    // Nothing that existed is lost either.
    const after = edges(all);
    expect([...before].filter((edge) => !after.has(edge))).toEqual([]);
  });
});

describe('services in values.yaml', () => {
  it('must be services of the manifest: a block for another fails the render, naming it', async () => {
    const error = await template(['--set', 'services.inventory-service.enabled=true']).then(
      () => '',
      (e: Error) => helmErrors(e.message),
    );
    expect(error).toContain(
      'services.inventory-service: no such service in services/services.yaml',
    );
  });

  it('may leave out a service of the manifest, which then runs with the defaults', async () => {
    const all = await render(['--set', 'services.payment-service=null']);
    const deployment = find(all, 'Deployment', name('payment-service'));
    // values.yaml gives payment-service two replicas; serviceDefaults one.
    expect(deployment.spec.replicas).toBe(1);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toMatch(/^tracing-demo\/payment-service:/);
    expect(container.ports[0].containerPort).toBe(3003);
    expect(env(all, 'payment-service').map((v) => v.name)).not.toContain('PAYMENT_FAILURE_RATE');
  });
});
