/**
 * The whole single-node cluster (cluster/up.sh with CLUSTER_COMPONENTS=node): the control plane,
 * Debian's containerd + runc + bridge CNI, the kubelet on cgroup v1 and kube-proxy in iptables
 * mode, all in their own network namespace, and CoreDNS. Pods really run: DNS, a ClusterIP
 * Service (kube-proxy) and `kubectl logs` (API server -> kubelet) are checked with busybox pods
 * built from Debian's busybox-static. Root only; runs under `make test-cluster`.
 */
import { repoPath, toolPath } from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../chart/helm.js';
import { clusterDown, clusterUp, type TestCluster, testCluster, waitFor } from './cluster.js';

describe('a single-node cluster with kubelet, kube-proxy and CoreDNS', () => {
  let cluster: TestCluster;

  /** kubectl inside the node's network namespace (cluster/exec.sh). */
  async function kubectl(...args: string[]): Promise<string> {
    const result = await run('bash', [repoPath('cluster/exec.sh'), toolPath('kubectl'), ...args], {
      env: cluster.env,
    });
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  }

  beforeAll(async () => {
    cluster = testCluster('node');
    cluster.env = {
      ...cluster.env,
      CLUSTER_COMPONENTS: 'node',
      CLUSTER_NETNS: `tracing-demo-test-${process.pid}`,
    };
    await clusterUp(cluster);
  }, 300_000);

  afterAll(async () => {
    if (cluster) await clusterDown(cluster);
  }, 120_000);

  it('has one Ready node on containerd, and CoreDNS running', async () => {
    const nodes = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')).items;
    expect(nodes).toHaveLength(1);
    const [node] = nodes;
    expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    expect(node.status.nodeInfo.kubeletVersion).toMatch(/^v1\.\d+\.\d+$/);
    const ready = node.status.conditions.find((c: { type: string }) => c.type === 'Ready');
    expect(ready.status).toBe('True');
    const dns = JSON.parse(
      await kubectl('get', 'deployment', 'coredns', '-n', 'kube-system', '-o', 'json'),
    );
    expect(dns.status.readyReplicas).toBe(1);
  });

  it('routes a Service by its DNS name to a pod on the bridge network', async () => {
    await kubectl(
      'run',
      'web',
      '--image=tracing-demo.local/busybox:1',
      '--image-pull-policy=Never',
      '--port=8080',
      '--labels=app=web',
      '--command',
      '--',
      '/bin/sh',
      '-c',
      'mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www',
    );
    await kubectl('expose', 'pod', 'web', '--port=80', '--target-port=8080');
    await kubectl('wait', '--for=condition=Ready', 'pod/web', '--timeout=90s');
    await kubectl(
      'run',
      'client',
      '--image=tracing-demo.local/busybox:1',
      '--image-pull-policy=Never',
      '--restart=Never',
      '--command',
      '--',
      '/bin/sh',
      '-c',
      'wget -q -O- http://web.default.svc.cluster.local/index.html',
    );
    const phase = await waitFor('the client pod finishes', 90_000, async () => {
      const p = (await kubectl('get', 'pod', 'client', '-o', 'jsonpath={.status.phase}')).trim();
      return p === 'Succeeded' || p === 'Failed' ? p : undefined;
    });
    // `kubectl logs`: the API server reaches the kubelet at the node's InternalIP.
    const logs = await kubectl('logs', 'client');
    expect(phase, logs).toBe('Succeeded');
    expect(logs.trim()).toBe('hello-from-web');
  });
});
