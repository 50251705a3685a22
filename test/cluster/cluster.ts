import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath, toolPath } from '@tracing-demo/platform';
import { type RunResult, run } from '../chart/helm.js';

/**
 * A real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler)
 * started by cluster/up.sh for one test file, in its own directory and on its own loopback
 * ports, so it never meets a `make cluster-up` cluster or another run.
 */
export interface TestCluster {
  dir: string;
  kubeconfig: string;
  env: NodeJS.ProcessEnv;
}

/** Ports well away from the `make cluster-up` defaults (12379, 16443, 20257, 20259). */
const PORTS = {
  CLUSTER_ETCD_PORT: '22379',
  CLUSTER_ETCD_PEER_PORT: '22380',
  CLUSTER_APISERVER_PORT: '26443',
  CLUSTER_KCM_PORT: '30257',
  CLUSTER_SCHEDULER_PORT: '30259',
};

export function testCluster(name: string): TestCluster {
  const dir = join(tmpdir(), `tracing-demo-cluster-${name}-${process.pid}`);
  const { HELM_PLUGINS: _inherited, KUBECONFIG: _other, ...env } = process.env;
  return {
    dir,
    kubeconfig: join(dir, 'kubeconfig'),
    env: { ...env, ...PORTS, TRACING_DEMO_CLUSTER_DIR: dir },
  };
}

function check(what: string, result: RunResult): RunResult {
  if (result.code !== 0) {
    throw new Error(`${what} exited ${result.code}\n${result.stderr}\n${result.stdout}`);
  }
  return result;
}

export async function clusterUp(cluster: TestCluster): Promise<void> {
  check('cluster/up.sh', await run('bash', [repoPath('cluster/up.sh')], { env: cluster.env }));
}

export async function clusterDown(cluster: TestCluster): Promise<void> {
  check('cluster/down.sh', await run('bash', [repoPath('cluster/down.sh')], { env: cluster.env }));
}

/** The project's Helm against the test cluster (the wrapper adds the helm-unittest plugin). */
export function helmIn(cluster: TestCluster, args: string[]): Promise<RunResult> {
  return run(toolPath('helm'), args, {
    env: {
      ...cluster.env,
      KUBECONFIG: cluster.kubeconfig,
      HELM_CACHE_HOME: join(cluster.dir, 'helm-cache'),
    },
  });
}

export async function helmOk(cluster: TestCluster, args: string[]): Promise<string> {
  return check(`helm ${args.slice(0, 2).join(' ')}`, await helmIn(cluster, args)).stdout;
}

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: Kubernetes API objects of every kind
  body: any;
}

/** One request to the API server as the cluster admin (client certificate from cluster/up.sh). */
export function api(
  cluster: TestCluster,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse> {
  const pki = (file: string) => readFileSync(join(cluster.dir, 'pki', file));
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(PORTS.CLUSTER_APISERVER_PORT),
        method,
        path,
        ca: pki('ca.crt'),
        cert: pki('admin.crt'),
        key: pki('admin.key'),
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (e.g. /readyz): keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.end(payload);
  });
}

export async function apiOk(
  cluster: TestCluster,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse['body']> {
  let res = await api(cluster, method, path, body);
  // 429 "storage is (re)initializing": a new CRD's storage, or priority-and-fairness; retry.
  for (let attempt = 0; res.status === 429 && attempt < 60; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    res = await api(cluster, method, path, body);
  }
  if (res.status >= 300) {
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

export interface NamespacedResource {
  /** e.g. "apps/v1" or "v1" */
  groupVersion: string;
  /** plural resource name, e.g. "deployments" */
  name: string;
  kind: string;
}

/** Every namespaced resource type the API server can list (core + preferred version of each group). */
export async function namespacedResources(cluster: TestCluster): Promise<NamespacedResource[]> {
  const groupVersions = ['v1'];
  const groups = await apiOk(cluster, 'GET', '/apis');
  for (const group of groups.groups) groupVersions.push(group.preferredVersion.groupVersion);
  const out: NamespacedResource[] = [];
  for (const gv of groupVersions) {
    const list = await apiOk(cluster, 'GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
    for (const r of list.resources) {
      if (r.namespaced && !r.name.includes('/') && r.verbs.includes('list')) {
        out.push({ groupVersion: gv, name: r.name, kind: r.kind });
      }
    }
  }
  return out;
}

export function collectionPath(r: NamespacedResource, namespace: string): string {
  const base = r.groupVersion === 'v1' ? '/api/v1' : `/apis/${r.groupVersion}`;
  return `${base}/namespaces/${namespace}/${r.name}`;
}

/** Every object in a namespace, as "Kind/name". */
export async function everythingIn(cluster: TestCluster, namespace: string): Promise<string[]> {
  const found: string[] = [];
  for (const r of await namespacedResources(cluster)) {
    const list = await apiOk(cluster, 'GET', collectionPath(r, namespace));
    for (const item of list.items) found.push(`${r.kind}/${item.metadata.name}`);
  }
  return found.sort();
}

export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what}: not after ${timeoutMs / 1000}s${last ? ` (${String(last)})` : ''}`);
}
