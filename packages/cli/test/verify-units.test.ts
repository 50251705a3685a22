import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { freePort } from '@tracing-demo/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli.js';
import { CliError, UnreachableError } from '../src/errors.js';
import { traceIdOfTraceresponse } from '../src/verify/gateway.js';
import { createKubeClient, type KubeClient, workloadFromDeployment } from '../src/verify/kube.js';
import {
  firstReadyPod,
  openTunnel,
  type PortForwarder,
  resolveTargetPort,
} from '../src/verify/port-forward.js';
import { evaluateReadiness, notReadyReason, type Workload } from '../src/verify/readiness.js';
import { runVerify, StepFailed } from '../src/verify/run-verify.js';
import { baselineHashShare, fnv1a64, traceIdKeptAt } from '../src/verify/sampling.js';
import { captureIo } from './support/io.js';

const where = { namespace: 'demo', release: 'tracing-demo' };
const workload = (
  name: string,
  desired: number,
  ready: number,
  extra: Partial<Workload> = {},
): Workload => ({
  kind: 'Deployment',
  name,
  desired,
  ready,
  updated: desired,
  ...extra,
});

describe('readiness', () => {
  it('every workload with all replicas ready and updated is ready', () => {
    const report = evaluateReadiness(
      [
        workload('gw', 2, 2),
        workload('tempo', 1, 1, { kind: 'StatefulSet', updated: 0 }),
        workload('off', 0, 0),
      ],
      where,
    );
    expect(report).toEqual({ ok: true, summary: '3 of 3 ready (2 Deployments, 1 StatefulSet)' });
  });

  it('names every workload that is not ready, and why', () => {
    const report = evaluateReadiness(
      [
        workload('tracing-demo-order-service', 2, 0),
        workload('tracing-demo-api-gateway', 2, 2),
        workload('tracing-demo-tempo', 1, 0, { kind: 'StatefulSet' }),
        workload('tracing-demo-payment-service', 2, 2, { updated: 1 }),
        workload('tracing-demo-auth-service', 1, 1, { generation: 3, observedGeneration: 2 }),
      ],
      where,
    );
    expect(report.ok).toBe(false);
    expect(report.summary).toBe(
      '4 of 5 not ready: deployment/tracing-demo-auth-service its controller has not picked up the ' +
        'latest change yet; deployment/tracing-demo-order-service 0/2 ready; ' +
        'deployment/tracing-demo-payment-service rolling out: 1/2 updated; ' +
        'statefulset/tracing-demo-tempo 0/1 ready',
    );
  });

  it('no workloads at all means the release is not there', () => {
    const report = evaluateReadiness([], where);
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(
      /no Deployments or StatefulSets labelled app.kubernetes.io\/instance=tracing-demo in namespace demo/,
    );
  });

  it('reads spec.replicas (default 1) and status from a Deployment', () => {
    const w = workloadFromDeployment({
      metadata: { name: 'x', generation: 1 },
      status: { observedGeneration: 1 },
    });
    expect(w).toMatchObject({ desired: 1, ready: 0, updated: 0 });
    expect(notReadyReason(w)).toBe('0/1 ready');
  });
});

describe('port-forward targets', () => {
  const service: V1Service = {
    metadata: { name: 'tracing-demo-api-gateway' },
    spec: {
      ports: [{ port: 3000, targetPort: 'http' }, { port: 9464, targetPort: 9465 }, { port: 8080 }],
    },
  };
  const pod: V1Pod = {
    metadata: { name: 'gw-abc' },
    spec: { containers: [{ name: 'gw', ports: [{ name: 'http', containerPort: 3300 }] }] },
  };

  it('follows the Service port to the container port: named, numbered, or the same', () => {
    expect(resolveTargetPort(service, pod, 3000)).toBe(3300);
    expect(resolveTargetPort(service, pod, 9464)).toBe(9465);
    expect(resolveTargetPort(service, pod, 8080)).toBe(8080);
    expect(() => resolveTargetPort(service, pod, 1234)).toThrow(
      'service tracing-demo-api-gateway has no port 1234 (it has 3000, 9464, 8080)',
    );
  });

  it('picks a Ready pod that is not terminating', () => {
    const ready = { type: 'Ready', status: 'True' };
    const pods: V1Pod[] = [
      {
        metadata: { name: 'starting' },
        status: { conditions: [{ type: 'Ready', status: 'False' }] },
      },
      {
        metadata: { name: 'leaving', deletionTimestamp: new Date() },
        status: { conditions: [ready] },
      },
      { metadata: { name: 'serving' }, status: { conditions: [ready] } },
    ];
    expect(firstReadyPod(pods)?.metadata?.name).toBe('serving');
    expect(firstReadyPod(pods.slice(0, 2))).toBeUndefined();
  });
});

describe('the tunnel', () => {
  let target: Server;
  let targetPort: number;
  beforeAll(async () => {
    target = createServer((request, response) => response.end(`pod answered ${request.url}`));
    target.listen(0, '127.0.0.1');
    await once(target, 'listening');
    targetPort = (target.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => target.close(() => resolve())));

  /**
   * Stands in for client-node's PortForward over the API server's websocket: one TCP stream per
   * connection to the "pod". Like client-node, it writes the error channel's opening frame, the
   * port number with those two bytes stripped (nothing), to the error stream first.
   */
  function forwarder(calls: unknown[][], failWith?: string): PortForwarder {
    return {
      async portForward(namespace, pod, ports, output, err, input) {
        calls.push([namespace, pod, ports]);
        err?.write(Buffer.alloc(0));
        if (failWith) {
          err?.write(Buffer.from(failWith));
          return { close: () => undefined };
        }
        const upstream = connect(targetPort, '127.0.0.1');
        await once(upstream, 'connect');
        input.pipe(upstream);
        upstream.pipe(output);
        return {
          close: () => upstream.destroy(),
          on: (_: 'close', fn: () => void) => upstream.on('close', fn),
        };
      },
    };
  }

  it('carries HTTP to the pod, a stream per connection, until closed', async () => {
    const calls: unknown[][] = [];
    const tunnel = await openTunnel(forwarder(calls), {
      namespace: 'demo',
      pod: 'gw-abc',
      port: 3300,
      label: 'svc/gw:3000',
    });
    expect(tunnel.description).toMatch(/^127\.0\.0\.1:\d+ → svc\/gw:3000$/);
    expect(await (await fetch(`${tunnel.url}/readyz`)).text()).toBe('pod answered /readyz');
    expect(
      await (await fetch(`${tunnel.url}/x`, { headers: { connection: 'close' } })).text(),
    ).toBe('pod answered /x');
    expect(calls[0]).toEqual(['demo', 'gw-abc', [3300]]);
    await tunnel.close();
    await expect(fetch(`${tunnel.url}/readyz`)).rejects.toThrow();
  });

  it('ends the connection when the API reports an error for the stream', async () => {
    const tunnel = await openTunnel(
      forwarder([], 'error forwarding port 3300: connection refused'),
      {
        namespace: 'demo',
        pod: 'gw-abc',
        port: 3300,
        label: 'svc/gw:3000',
      },
    );
    await expect(fetch(`${tunnel.url}/readyz`)).rejects.toThrow();
    await tunnel.close();
  });
});

describe('a trace id tail sampling keeps (for tests that make their own traces)', () => {
  it('hashes like Go: FNV-1a 64', () => {
    expect(fnv1a64(Buffer.from('')).toString(16)).toBe('cbf29ce484222325');
    expect(fnv1a64(Buffer.from('a')).toString(16)).toBe('af63dc4c8601ec8c');
    expect(fnv1a64(Buffer.from('foobar')).toString(16)).toBe('85944171f73967e8');
  });

  it('picks random ids in the lowest 0.1% of the hash range', () => {
    const ids = new Set(Array.from({ length: 5 }, () => traceIdKeptAt()));
    expect(ids.size).toBe(5);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(baselineHashShare(id)).toBeLessThan(0.001);
    }
  });
});

describe("the order's trace, as the gateway names it", () => {
  const trace = '4bf92f3577b34da6a3ce929d0e0e4736';

  it('is the trace id of a W3C traceresponse', () => {
    expect(traceIdOfTraceresponse(`00-${trace}-00f067aa0ba902b7-01`)).toBe(trace);
    expect(traceIdOfTraceresponse(`00-${trace}-00f067aa0ba902b7-00`)).toBe(trace);
  });

  it.each([
    null,
    '',
    'garbage',
    `01-${trace}-00f067aa0ba902b7-01`,
    `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
    `00-${trace.toUpperCase()}-00f067aa0ba902b7-01`,
  ])('is unknown from %s', (value) => {
    expect(traceIdOfTraceresponse(value)).toBeUndefined();
  });
});

/** A Kubernetes API that answers list calls for the apps it is given, and records them. */
async function startKubeApi(answer: (path: string) => { status: number; body: unknown }) {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(request.url ?? '');
    const { status, body } = answer(request.url ?? '');
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const config = (namespace?: string) => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'stub', server: url, skipTLSVerify: true }],
      users: [{ name: 'tester' }],
      contexts: [{ name: 'stub', cluster: 'stub', user: 'tester', namespace }],
      currentContext: 'stub',
    });
    return kc;
  };
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, seen, config, close };
}

const deploymentList = (items: object[]) => ({
  apiVersion: 'apps/v1',
  kind: 'DeploymentList',
  metadata: {},
  items,
});
const statefulSetList = (items: object[]) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSetList',
  metadata: {},
  items,
});
const deployment = (name: string, replicas: number, ready: number) => ({
  metadata: { name, generation: 1 },
  spec: { replicas, selector: {}, template: {} },
  status: { observedGeneration: 1, replicas, readyReplicas: ready, updatedReplicas: replicas },
});

describe('the Kubernetes client', () => {
  const workloadsApi = (ready: number) => (path: string) =>
    path.includes('/deployments')
      ? {
          status: 200,
          body: deploymentList([
            deployment('tracing-demo-api-gateway', 2, 2),
            deployment('tracing-demo-order-service', 2, ready),
          ]),
        }
      : { status: 200, body: statefulSetList([]) };

  it("lists the release's Deployments and StatefulSets by instance label", async () => {
    const api = await startKubeApi(workloadsApi(1));
    try {
      const kube = createKubeClient(api.config('demo'));
      expect(kube.defaultNamespace).toBe('demo');
      const workloads = await kube.listWorkloads('demo', 'app.kubernetes.io/instance=tracing-demo');
      expect(workloads.map((w) => [w.name, w.desired, w.ready])).toEqual([
        ['tracing-demo-api-gateway', 2, 2],
        ['tracing-demo-order-service', 2, 1],
      ]);
      expect(api.seen.sort()).toEqual([
        '/apis/apps/v1/namespaces/demo/deployments?labelSelector=app.kubernetes.io%2Finstance%3Dtracing-demo',
        '/apis/apps/v1/namespaces/demo/statefulsets?labelSelector=app.kubernetes.io%2Finstance%3Dtracing-demo',
      ]);
    } finally {
      await api.close();
    }
  });

  it("passes on the API's reason for a refusal (missing RBAC)", async () => {
    const message =
      'deployments.apps is forbidden: User "system:serviceaccount:demo:verify" cannot list resource "deployments"';
    const api = await startKubeApi(() => ({
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message,
        reason: 'Forbidden',
        code: 403,
      },
    }));
    try {
      await expect(createKubeClient(api.config()).listWorkloads('demo', 'x=y')).rejects.toThrow(
        `listing workloads in demo: the Kubernetes API answered 403: ${message}`,
      );
    } finally {
      await api.close();
    }
  });

  it('says where it looked when there is no API', async () => {
    const kc = new KubeConfig();
    const port = await freePort();
    kc.loadFromClusterAndUser(
      { name: 'gone', server: `http://127.0.0.1:${port}`, skipTLSVerify: true },
      { name: 'u' },
    );
    const failure = createKubeClient(kc).listWorkloads('demo', 'x=y');
    await expect(failure).rejects.toThrow(
      `listing workloads in demo: cannot reach the Kubernetes API at http://127.0.0.1:${port} (connection refused): is the cluster up, and the kube context the right one?`,
    );
    // No answer at all: what verify's first steps retry for a while (SETTLE_MS).
    await expect(failure).rejects.toBeInstanceOf(UnreachableError);
  });

  describe('through `tracing-demo verify` with KUBECONFIG', () => {
    let dir: string;
    const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME };
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'cli-kubeconfig-'));
    });
    afterEach(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const useApi = (url: string) => {
      const file = join(dir, 'config');
      writeFileSync(
        file,
        `apiVersion: v1\nkind: Config\nclusters: [{name: stub, cluster: {server: "${url}", insecure-skip-tls-verify: true}}]\n` +
          'users: [{name: tester, user: {}}]\n' +
          'contexts: [{name: stub, context: {cluster: stub, user: tester, namespace: demo}}]\n' +
          'current-context: stub\n',
      );
      process.env.KUBECONFIG = file;
    };

    it('without any configuration, says what is missing', async () => {
      delete process.env.KUBECONFIG;
      process.env.HOME = dir; // no .kube/config there, and this is not a pod
      const { io, captured } = captureIo();
      expect(await run(['verify'], io)).toBe(1);
      expect(captured.err).toBe(
        'tracing-demo verify: verify failed: kube config: no Kubernetes configuration: set ' +
          'KUBECONFIG, create ~/.kube/config, or run in a pod with a service account (or --local ' +
          'for the local stack)\n',
      );
    });

    it('stops at the first failing step with a one-line reason, exit 1', async () => {
      const api = await startKubeApi(workloadsApi(0));
      try {
        useApi(api.url);
        const { io, captured } = captureIo();
        expect(await run(['verify'], io)).toBe(1);
        expect(captured.out).toContain(
          `verifying release tracing-demo in namespace demo (Kubernetes API ${api.url})`,
        );
        expect(captured.out).toMatch(
          /^✗ workloads ready: 1 of 2 not ready: deployment\/tracing-demo-order-service 0\/2 ready \(\d+\.\d s\)$/m,
        );
        expect(captured.err).toBe(
          'tracing-demo verify: verify failed: workloads ready: 1 of 2 not ready: deployment/tracing-demo-order-service 0/2 ready\n',
        );
      } finally {
        await api.close();
      }
    });

    it('goes on to the gateway once workloads are ready, and names it when unreachable', async () => {
      const api = await startKubeApi(workloadsApi(2));
      const [gatewayPort, storePort] = [await freePort(), await freePort()];
      try {
        useApi(api.url);
        const { io, captured } = captureIo();
        const args = [
          'verify',
          '-n',
          'other',
          '--release',
          'tracing-demo',
          '--gateway-url',
          `http://127.0.0.1:${gatewayPort}`,
          '--traces-url',
          `http://127.0.0.1:${storePort}`,
          '--settle',
          '0s',
        ];
        expect(await run(args, io)).toBe(1);
        expect(captured.out).toMatch(
          /^✓ workloads ready: 2 of 2 ready \(2 Deployments, 0 StatefulSets\)/m,
        );
        expect(api.seen[0]).toMatch(/^\/apis\/apps\/v1\/namespaces\/other\//);
        expect(captured.err).toBe(
          `tracing-demo verify: verify failed: gateway and trace store reachable: cannot reach the api-gateway at http://127.0.0.1:${gatewayPort} (connection refused)\n`,
        );
      } finally {
        await api.close();
      }
    });
  });
});

describe('runVerify', () => {
  const options = {
    release: 'tracing-demo',
    local: false,
    credentials: { email: 'alice@example.com', password: 'alice-password' },
    timeoutMs: 1000,
    settleMs: 0,
    width: 100,
    color: false,
  };

  it('retries what does not answer at all while a new pod settles, but no answer it got', async () => {
    // A gateway that answers, with 503: an answer is final, whatever it says.
    const paths: string[] = [];
    const gateway = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'signing keys not loaded' }));
    });
    gateway.listen(0, '127.0.0.1');
    await once(gateway, 'listening');
    const { port } = gateway.address() as { port: number };
    let calls = 0;
    const kube: KubeClient = {
      server: 'https://10.96.0.1:443',
      defaultNamespace: 'demo',
      listWorkloads: async () => {
        // Refused twice, as a NetworkPolicy controller does before it has seen the pod.
        if (++calls <= 2) throw new UnreachableError('cannot reach the Kubernetes API', 'x');
        return [workload('tracing-demo-api-gateway', 1, 1)];
      },
      forwardService: async () => {
        throw new Error('not used: URLs are given');
      },
    };
    const lines: string[] = [];
    try {
      const failure = runVerify(
        {
          ...options,
          settleMs: 10_000,
          gatewayUrl: `http://127.0.0.1:${port}`,
          tracesUrl: 'http://127.0.0.1:1',
        },
        { kube: () => kube, print: (l) => lines.push(l) },
      );
      await expect(failure).rejects.toThrow(
        /gateway and trace store reachable: .*\/readyz answered 503: signing keys not loaded/,
      );
    } finally {
      gateway.close();
    }
    expect(calls).toBe(3);
    expect(
      lines.filter((l) => l.includes('… cannot reach the Kubernetes API: retrying')),
    ).toHaveLength(2);
    expect(lines).toContainEqual(expect.stringMatching(/^✓ workloads ready: 1 of 1 ready/));
    expect(paths).toEqual(['/readyz']);
  });

  it('reports a kube config that cannot be loaded as the failing step', async () => {
    const lines: string[] = [];
    const failure = runVerify(options, {
      kube: () => {
        throw new Error('invalid kubeconfig: no current context');
      },
      print: (line) => lines.push(line),
    });
    await expect(failure).rejects.toThrow(
      new StepFailed('kube config', 'invalid kubeconfig: no current context'),
    );
    expect(lines).toEqual(['✗ kube config: invalid kubeconfig: no current context']);
  });

  it('closes the port-forwards it opened, even when a later step fails', async () => {
    const closed: string[] = [];
    const kube: KubeClient = {
      server: 'https://cluster.example:6443',
      defaultNamespace: 'demo',
      listWorkloads: async () => [workload('tracing-demo-api-gateway', 1, 1)],
      forwardService: async (_namespace, service) => {
        const port = await freePort(); // nothing listens: the gateway check fails
        return {
          url: `http://127.0.0.1:${port}`,
          description: `svc/${service}`,
          close: async () => void closed.push(service),
        };
      },
    };
    const lines: string[] = [];
    await expect(
      runVerify(options, { kube: () => kube, print: (l) => lines.push(l) }),
    ).rejects.toThrow(/gateway and trace store reachable: cannot reach the api-gateway/);
    // Without --traces-backend, the Jaeger Service is tried first; it exists here.
    expect(closed.sort()).toEqual(['tracing-demo-api-gateway', 'tracing-demo-jaeger']);
    expect(lines[0]).toBe(
      'verifying release tracing-demo in namespace demo (Kubernetes API https://cluster.example:6443)',
    );
  });

  it('port-forwards to the Service of the backend it is told, else Jaeger’s, else Tempo’s', async () => {
    const attempts: string[] = [];
    const kube = (existing: string[]): KubeClient => ({
      server: 'https://cluster.example:6443',
      defaultNamespace: 'demo',
      listWorkloads: async () => [workload('tracing-demo-api-gateway', 1, 1)],
      forwardService: async (namespace, service, port) => {
        attempts.push(`${service}:${port}`);
        if (!existing.includes(service))
          throw new CliError(
            `port-forwarding to service ${namespace}/${service}: the Kubernetes API answered 404: services "${service}" not found`,
          );
        const free = await freePort(); // nothing listens: the gateway check fails after
        return { url: `http://127.0.0.1:${free}`, description: service, close: async () => {} };
      },
    });
    const verify = (client: KubeClient, extra: Partial<Parameters<typeof runVerify>[0]> = {}) =>
      runVerify({ ...options, ...extra }, { kube: () => client, print: () => {} });

    await expect(verify(kube(['tracing-demo-api-gateway', 'tracing-demo-tempo']))).rejects.toThrow(
      /gateway and trace store reachable: cannot reach the api-gateway/,
    );
    expect(attempts.splice(0)).toEqual([
      'tracing-demo-api-gateway:3000',
      'tracing-demo-jaeger:16686',
      'tracing-demo-tempo:3200',
    ]);

    await expect(
      verify(kube(['tracing-demo-api-gateway', 'tracing-demo-tempo']), { tracesBackend: 'tempo' }),
    ).rejects.toThrow(/cannot reach the api-gateway/);
    expect(attempts.splice(0)).toEqual([
      'tracing-demo-api-gateway:3000',
      'tracing-demo-tempo:3200',
    ]);

    await expect(verify(kube(['tracing-demo-api-gateway']))).rejects.toThrow(
      'verify failed: gateway and trace store reachable: no trace store to port-forward to: ' +
        'port-forwarding to service demo/tracing-demo-jaeger: the Kubernetes API answered 404: ' +
        'services "tracing-demo-jaeger" not found; port-forwarding to service ' +
        'demo/tracing-demo-tempo: the Kubernetes API answered 404: services "tracing-demo-tempo" not found',
    );
  });
});
