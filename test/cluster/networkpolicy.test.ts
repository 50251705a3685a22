/**
 * NetworkPolicy enforcement in the single-node cluster (cluster/up.sh with CLUSTER_COMPONENTS=node
 * and CLUSTER_NETWORK_POLICY=kube-router): the bridge CNI enforces nothing, so kube-router runs
 * next to it as the policy controller only (no routing, no service proxy; kube-proxy stays).
 * A busybox web server behind a Service and two busybox clients, one with the label the allow
 * policy selects and one without: both get through with no policy, neither under a default-deny
 * ingress policy, and only the labelled one once a policy allows it. Every change is polled for
 * with a deadline; every attempt is bounded. Root only; runs under `make test-cluster`.
 */
import { spawnSync } from 'node:child_process';
import { repoPath, toolPath } from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, run } from '../chart/helm.js';
import { clusterDown, clusterUp, type TestCluster, testCluster, waitFor } from './cluster.js';

const NAMESPACE = 'netpol';
const BUSYBOX = 'tracing-demo.local/busybox:1';
const BODY = 'hello-from-web';
/** How long a policy change may take to reach the node's iptables (kube-router reacts to events). */
const ENFORCED_WITHIN_MS = 30_000;

type Outcome = 'served' | 'blocked';

describe('NetworkPolicy enforced by kube-router on the single-node cluster', () => {
  let cluster: TestCluster;

  /** A command inside the node's network namespace, with KUBECONFIG set (cluster/exec.sh). */
  function inNode(command: string, args: string[], input?: string): Promise<RunResult> {
    const env = cluster.env;
    return run('bash', [repoPath('cluster/exec.sh'), command, ...args], { env, input });
  }

  async function kubectl(args: string[], input?: string): Promise<string> {
    const result = await inNode(toolPath('kubectl'), args, input);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  }

  /**
   * One HTTP request from a client pod to the Service `web`, bounded to 3 s by busybox `timeout`
   * (Debian's static busybox 1.35 segfaults on `wget -T`). "blocked" is a refused connection
   * (kube-router REJECTs) or the timeout (a DROP); anything else (DNS, exec) is an error.
   */
  async function attempt(pod: string): Promise<Outcome> {
    const result = await inNode(toolPath('kubectl'), [
      ...['-n', NAMESPACE, 'exec', pod, '--', '/bin/busybox', 'timeout', '3'],
      ...['wget', '-q', '-O-', 'http://web/index.html'],
    ]);
    if (result.code === 0 && result.stdout.trim() === BODY) return 'served';
    if (/Connection refused|exit code 143\b/.test(result.stderr)) return 'blocked';
    throw new Error(`${pod}: exit ${result.code}: ${result.stderr.trim()} ${result.stdout.trim()}`);
  }

  /** Polls until the pod's request has the expected outcome. */
  async function eventually(pod: string, expected: Outcome): Promise<void> {
    await waitFor(`${pod} ${expected}`, ENFORCED_WITHIN_MS, async () => {
      const outcome = await attempt(pod);
      if (outcome !== expected) throw new Error(`${pod}: ${outcome}`);
      return true;
    });
  }

  function policy(name: string, spec: object): string {
    return JSON.stringify({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: NAMESPACE },
      spec,
    });
  }

  function busybox(name: string, labels: string, command: string): string[] {
    return [
      ...['-n', NAMESPACE, 'run', name, `--image=${BUSYBOX}`, '--image-pull-policy=Never'],
      ...[`--labels=${labels}`, '--command', '--', '/bin/sh', '-c', command],
    ];
  }

  beforeAll(async () => {
    cluster = testCluster('netpol');
    cluster.env = {
      ...cluster.env,
      CLUSTER_COMPONENTS: 'node',
      CLUSTER_NETWORK_POLICY: 'kube-router',
      CLUSTER_NETNS: `tracing-demo-test-${process.pid}`,
    };
    await clusterUp(cluster);
    await kubectl(['create', 'namespace', NAMESPACE]);
    await kubectl(
      busybox(
        'web',
        'app=web',
        `mkdir -p /www && echo ${BODY} > /www/index.html && exec httpd -f -p 8080 -h /www`,
      ),
    );
    await kubectl(['-n', NAMESPACE, 'expose', 'pod', 'web', '--port=80', '--target-port=8080']);
    await kubectl(busybox('client', 'app=client,role=client', 'exec sleep 3600'));
    await kubectl(busybox('other', 'app=other', 'exec sleep 3600'));
    await kubectl([
      '-n',
      NAMESPACE,
      'wait',
      '--for=condition=Ready',
      'pod',
      '--all',
      '--timeout=90s',
    ]);
  }, 300_000);

  afterAll(async () => {
    if (cluster) await clusterDown(cluster);
  }, 120_000);

  it('runs kube-router as the policy controller, its rules in the node namespace only', () => {
    // No stdin: iptables can exit before run() has written its (empty) input, an EPIPE.
    const runNow = (command: string, ...args: string[]) =>
      spawnSync(command, args, {
        env: cluster.env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const chains = runNow('bash', repoPath('cluster/exec.sh'), 'iptables', '-S', 'FORWARD');
    expect(chains.status, chains.stderr).toBe(0);
    // In front of kube-proxy's chains, so a Service's DNAT-ed traffic meets the policies.
    const jumps = chains.stdout.split('\n').filter((line) => line.startsWith('-A FORWARD'));
    expect(jumps[0]).toMatch(/-j KUBE-ROUTER-FORWARD$/);
    const host = runNow('iptables', '-S', 'KUBE-ROUTER-FORWARD');
    expect(host.status, 'the host has no kube-router chain').not.toBe(0);
  });

  it('lets every pod reach the Service while no policy selects the server', async () => {
    await eventually('client', 'served');
    await eventually('other', 'served');
  });

  it('blocks both clients under a default-deny ingress policy', async () => {
    await kubectl(
      ['apply', '-f', '-'],
      policy('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
    );
    await eventually('client', 'blocked');
    expect(await attempt('other')).toBe('blocked');
  });

  it('lets in the labelled client only once a policy allows it', async () => {
    await kubectl(
      ['apply', '-f', '-'],
      policy('web-from-clients', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { role: 'client' } } }],
            ports: [{ protocol: 'TCP', port: 8080 }],
          },
        ],
      }),
    );
    await eventually('client', 'served');
    // `other` was never allowed: once the client's rule is in place, one attempt shows it still is not.
    expect(await attempt('other')).toBe('blocked');
    expect(await attempt('client')).toBe('served');
  });
});
