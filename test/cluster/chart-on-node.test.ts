/**
 * The chart running for real: the single-node cluster of cluster/up.sh (CLUSTER_COMPONENTS=node),
 * every image built here and imported into its containerd (cluster/images.sh: the project's
 * images from their Dockerfiles, local stand-ins for PostgreSQL, RabbitMQ, the collector, Jaeger
 * and Prometheus; Grafana cannot be built here and is disabled), with `traces.backend: jaeger`
 * (cluster/values.yaml), then the user's path in order: `helm install --wait`, `helm test`, the
 * end-to-end acceptance suite against the release, `helm upgrade` with another sampling policy,
 * `helm uninstall`. Root only; `make test-cluster`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath, toolPath, waitFor } from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, run } from '../chart/helm.js';
import type { StackUrls } from '../e2e/support/parameters.ts';
import { PLANTED } from '../e2e/support/parameters.ts';
import { clusterDown, clusterUp, type TestCluster, testCluster } from './cluster.js';

const RELEASE = 'tracing-demo';
const NAMESPACE = 'demo';
/** `<release>-<component>`: the release is named like the chart, so fullname is the release. */
const name = (component: string) => `${RELEASE}-${component}`;
const VALUES = [
  'charts/tracing-demo/ci/local-cluster-values.yaml',
  'cluster/values.yaml',
  'cluster/e2e-values.yaml',
].flatMap((file) => ['-f', repoPath(file)]);
/** The acceptance suite's files that hold with the chart's own Prometheus rules (below). */
const E2E_FILES = ['traces', 'sampling', 'span-metrics', 'dashboards', 'monitor', 'no-secrets'];

describe('the chart on a one-node cluster: install, helm test, e2e, upgrade, uninstall', () => {
  let cluster: TestCluster;
  const forwards: ChildProcess[] = [];
  const workDir = repoPath('.tmp/cluster-e2e');

  /** A program where the API server is (cluster/exec.sh: inside the node's network namespace). */
  function inNode(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    return run('bash', [repoPath('cluster/exec.sh'), command, ...args], {
      env: { ...cluster.env, HELM_CACHE_HOME: join(cluster.dir, 'helm-cache'), ...env },
    });
  }

  async function ok(what: string, result: Promise<RunResult>): Promise<string> {
    const done = await result;
    if (done.code !== 0)
      throw new Error(`${what} exited ${done.code}\n${done.stderr}\n${done.stdout}`);
    return done.stdout;
  }

  const kubectl = (...args: string[]) =>
    ok(
      `kubectl ${args.slice(0, 3).join(' ')}`,
      inNode(toolPath('kubectl'), ['-n', NAMESPACE, ...args]),
    );
  const helm = (...args: string[]) =>
    ok(`helm ${args[0]}`, inNode(toolPath('helm'), ['-n', NAMESPACE, ...args]));

  /** What to read when a step fails: every pod's state and the last lines of its logs. */
  async function podReport(): Promise<string> {
    const pods = await inNode(toolPath('kubectl'), ['-n', NAMESPACE, 'get', 'pods', '-o', 'wide']);
    const events = await inNode(toolPath('kubectl'), [
      ...['-n', NAMESPACE, 'get', 'events', '--sort-by=.lastTimestamp'],
    ]);
    return `${pods.stdout}${pods.stderr}\n${events.stdout.split('\n').slice(-30).join('\n')}`;
  }

  /** `kubectl port-forward` to a workload, inside the node; resolves to local URLs by remote port. */
  async function portForward(target: string, ports: number[]): Promise<Record<number, string>> {
    const child = spawn(
      'bash',
      [
        repoPath('cluster/exec.sh'),
        toolPath('kubectl'),
        ...['-n', NAMESPACE, 'port-forward', '--address=127.0.0.1', target],
        ...ports.map((port) => `0:${port}`),
      ],
      { env: cluster.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    forwards.push(child);
    const urls: Record<number, string> = {};
    let output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`port-forward ${target}: no ports after 30 s\n${output}`)),
        30_000,
      );
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        for (const m of output.matchAll(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g)) {
          urls[Number(m[2])] = `http://127.0.0.1:${m[1]}`;
        }
        if (ports.every((port) => urls[port])) {
          clearTimeout(timer);
          resolve(urls);
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`port-forward ${target} exited ${code}\n${output}`));
      });
    });
  }

  /** Forwards to the release's endpoints the e2e suite uses, as its StackUrls. */
  async function stackUrls(): Promise<StackUrls> {
    const [gateway, payment, collector, jaeger, prometheus] = await Promise.all([
      portForward(`deploy/${name('api-gateway')}`, [3000]),
      portForward(`deploy/${name('payment-service')}`, [3003]),
      portForward(`deploy/${name('collector')}`, [4318, 8888, 8889]),
      portForward(`service/${name('jaeger')}`, [16686]),
      portForward(`statefulset/${name('prometheus')}`, [9090]),
    ]);
    return {
      gateway: gateway[3000] as string,
      payment: payment[3003] as string,
      collectorOtlpHttp: collector[4318] as string,
      collectorTelemetry: `${collector[8888]}/metrics`,
      collectorMetrics: `${collector[8889]}/metrics`,
      jaeger: jaeger[16686] as string,
      prometheus: prometheus[9090] as string,
      logDir: join(workDir, 'logs'),
    };
  }

  /** The project images' content tags as --set flags (cluster/images.sh wrote them). */
  async function imageFlags(): Promise<string[]> {
    const flags = await ok(
      'cluster/images.sh --set-flags',
      run('bash', [repoPath('cluster/images.sh'), '--set-flags'], { env: cluster.env }),
    );
    return flags.trim().split(/\s+/).filter(Boolean);
  }

  function stopForwards() {
    for (const child of forwards.splice(0)) child.kill('SIGTERM');
  }

  beforeAll(async () => {
    mkdirSync(workDir, { recursive: true });
    cluster = testCluster('chart');
    cluster.env = {
      ...cluster.env,
      CLUSTER_COMPONENTS: 'node',
      // The chart's NetworkPolicies enforced (the bridge CNI alone ignores them).
      CLUSTER_NETWORK_POLICY: 'kube-router',
      CLUSTER_NETNS: `tracing-demo-chart-${process.pid}`,
    };
    await clusterUp(cluster);
    process.stdout.write(
      await ok(
        'cluster/images.sh',
        run('bash', [repoPath('cluster/images.sh')], { env: cluster.env }),
      ),
    );
    await ok(
      'kubectl create namespace',
      inNode(toolPath('kubectl'), ['create', 'namespace', NAMESPACE]),
    );
    await kubectl(
      'create',
      'secret',
      'generic',
      'e2e-demo-users',
      `--from-literal=users=alice@example.com:alice-password,bob@example.com:bob-password,${PLANTED.email}:${PLANTED.password}`,
    );
  }, 1_800_000);

  afterAll(async () => {
    stopForwards();
    if (cluster) await clusterDown(cluster);
  }, 180_000);

  it('installs with every pod Ready (helm install --wait)', async () => {
    const started = Date.now();
    const install = await inNode(toolPath('helm'), [
      ...['-n', NAMESPACE, 'install', RELEASE, repoPath('charts/tracing-demo')],
      ...VALUES,
      ...(await imageFlags()),
      // This cluster's API server port (cluster/values.yaml names the default, 16443).
      `--set-json=networkPolicy.kubeApi.ports=[443,${cluster.env.CLUSTER_APISERVER_PORT}]`,
      ...['--wait', '--timeout=10m'],
    ]);
    expect(install.code, `${install.stderr}\n${await podReport()}`).toBe(0);
    process.stdout.write(`helm install --wait: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    const pods = JSON.parse(await kubectl('get', 'pods', '-o', 'json')).items;
    const notReady = pods
      .filter(
        (pod: PodJson) =>
          !pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      )
      .map((pod: PodJson) => pod.metadata.name);
    expect(notReady, await podReport()).toEqual([]);
    // One pod per workload of the scenario: 5 services, collector, Jaeger, Prometheus, DB, broker.
    expect(pods).toHaveLength(10);
  }, 900_000);

  it('passes helm test (tracing-demo verify in the cluster)', async () => {
    const test = await inNode(toolPath('helm'), [
      ...['-n', NAMESPACE, 'test', RELEASE, '--timeout=6m'],
    ]);
    const logs = async () =>
      (await inNode(toolPath('kubectl'), ['-n', NAMESPACE, 'logs', `job/${name('verify')}`]))
        .stdout;
    expect(test.code, `${test.stdout}\n${test.stderr}\n${await logs()}`).toBe(0);
    expect(test.stdout).toMatch(/Phase:\s+Succeeded/);
    // verify's own report (`helm test --logs` shows Pod hooks' logs only, not a Job's).
    expect(await logs()).toMatch(/^✓ release tracing-demo verified in \d+\.\d s$/m);
    // A trusted synthetic caller through the chart's token Secret: its trace was kept for that.
    expect(await logs()).toMatch(/^✓ order placed: .* in trace [0-9a-f]{32} \(synthetic\) /m);
  }, 420_000);

  /** From a service's pod, a TCP connection to `host:port`: "connected" or why not. */
  async function tcpFrom(service: string, host: string, port: number): Promise<string> {
    const script = [
      `const s = require('node:net').connect(${port}, '${host}');`,
      "s.setTimeout(3000, () => { console.log('timed out'); process.exit(0); });",
      "s.on('connect', () => { console.log('connected'); process.exit(0); });",
      "s.on('error', (e) => { console.log(e.code); process.exit(0); });",
    ].join(' ');
    return (await kubectl('exec', `deploy/${name(service)}`, '--', 'node', '-e', script)).trim();
  }

  it('enforces the NetworkPolicies: only the DESIGN edges reach PostgreSQL', async () => {
    // order-service -> PostgreSQL is an edge; api-gateway -> PostgreSQL is not (its egress and
    // PostgreSQL's ingress both leave it out), so kube-router drops it.
    expect(await tcpFrom('order-service', name('postgresql'), 5432)).toBe('connected');
    expect(await tcpFrom('api-gateway', name('postgresql'), 5432)).not.toBe('connected');
    expect(await tcpFrom('api-gateway', name('order-service'), 3002)).toBe('connected');
    expect(await tcpFrom('payment-service', name('order-service'), 3002)).not.toBe('connected');
  }, 120_000);

  /**
   * Test files run inside the node against the release (vitest.in-node.config.ts): the
   * port-forwards listen on the node's loopback, so the suite must run there too.
   */
  async function suiteInNode(files: string[]): Promise<void> {
    const stackFile = join(workDir, 'stack.json');
    writeFileSync(stackFile, JSON.stringify(await stackUrls(), null, 2));
    try {
      const suite = await inNode(
        repoPath('node_modules/.bin/vitest'),
        ['run', '--config', repoPath('vitest.in-node.config.ts'), ...files],
        { E2E_STACK: stackFile },
      );
      process.stdout.write(suite.stdout.split('\n').slice(-12).join('\n'));
      expect(suite.code, `${suite.stdout}\n${suite.stderr}`).toBe(0);
      // The summary reporter's line: every test ran and passed.
      expect(suite.stdout).toMatch(/^tests: [1-9]\d* passed, 0 failed, 0 skipped$/m);
    } finally {
      stopForwards();
    }
  }

  it('passes the end-to-end acceptance suite against the release', async () => {
    await suiteInNode(E2E_FILES.map((file) => `test/e2e/${file}.test.ts`));
  }, 1_200_000);

  it('rolls the collector on helm upgrade and samples with the new policy', async () => {
    const before = await collectorPods();
    const syntheticToken = () =>
      kubectl('get', 'secret', name('synthetic-token'), '-o', 'jsonpath={.data.token}');
    const tokenBefore = await syntheticToken();
    await helm(
      ...['upgrade', RELEASE, repoPath('charts/tracing-demo'), '--reuse-values'],
      ...['--set', 'collector.sampling.baselinePercent=100', '--wait', '--timeout=5m'],
    );
    // The config checksum changed, so the Deployment rolled: one new pod, the old one gone.
    const after = await waitFor(
      'the old collector pod to be gone',
      async () => {
        const pods = await collectorPods();
        return pods.length === 1 && !before.includes(pods[0] as string) ? pods : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    expect(after).toHaveLength(1);
    // Generated once: the upgrade keeps the token loadgen and helm test prove themselves with.
    expect(tokenBefore).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect(await syntheticToken()).toBe(tokenBefore);
    await suiteInNode(['test/cluster/in-node/upgraded-sampling.test.ts']);
  }, 600_000);

  it('uninstalls without leaving anything behind', async () => {
    const clusterWide = () =>
      ok(
        'kubectl get clusterroles,clusterrolebindings',
        inNode(toolPath('kubectl'), [
          ...['get', 'clusterroles,clusterrolebindings', '-o', 'name'],
          `--selector=app.kubernetes.io/instance=${RELEASE}`,
        ]),
      );
    expect((await clusterWide()).trim()).not.toBe('');
    await helm('uninstall', RELEASE, '--wait', '--timeout=5m');
    await kubectl('delete', 'secret', 'e2e-demo-users');
    const kinds = (await kubectl('api-resources', '--namespaced', '--verbs=list', '-o', 'name'))
      .split('\n')
      .filter((kind) => kind && !/^events(\.events\.k8s\.io)?$/.test(kind));
    let left: string[] = [];
    await waitFor(
      'the namespace to be empty',
      async () => {
        const names = (await kubectl('get', kinds.join(','), '-o', 'name')).trim();
        // The namespace's own ConfigMap and ServiceAccount come with every namespace.
        left = names
          .split('\n')
          .filter((n) => n && !/^(configmap\/kube-root-ca\.crt|serviceaccount\/default)$/.test(n));
        return left.length === 0;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; left: ${left.join(', ')}`);
    });
    expect((await clusterWide()).trim()).toBe('');
  }, 300_000);

  async function collectorPods(): Promise<string[]> {
    const pods = JSON.parse(
      await kubectl('get', 'pods', '-l', 'app.kubernetes.io/component=collector', '-o', 'json'),
    ).items as PodJson[];
    return pods.filter((pod) => !pod.metadata.deletionTimestamp).map((pod) => pod.metadata.name);
  }
});

interface PodJson {
  metadata: { name: string; deletionTimestamp?: string };
  status: { conditions?: { type: string; status: string }[] };
}
