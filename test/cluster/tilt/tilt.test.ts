/**
 * `make test-tilt`: the dev loop for real. The Tiltfile, run by the real Tilt (cluster/tilt.sh),
 * against the single-node cluster of cluster/up.sh with a local registry (CLUSTER_REGISTRY=local:
 * the distribution registry on the node, containerd pulling from it over HTTP, the KEP-1755
 * ConfigMap that Tilt reads) and podman as the builder (this machine has no Docker daemon): the
 * shape of kind + a local registry, without kind. On a scratch copy of the repository (HEAD, with
 * the working tree's Tiltfile, deploy/ and cluster/), because the test edits sources:
 * a bad registry and a dead cluster get one line; `tilt ci` builds, deploys and gets every
 * resource ready; `tilt up` live-updates a gateway source with no rebuild and no restart (timed
 * over several edits); a tsconfig change rebuilds and rolls the Deployment; `helm-test` passes
 * through Tilt; `tilt down` leaves nothing. Seconds go to .local/tilt/report.json. Root only.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoPath, toolPath, waitFor } from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, run } from '../../chart/helm.js';
import { clusterDown, clusterUp, type TestCluster, testCluster } from '../cluster.js';

const RELEASE = 'tracing-demo';
const NAMESPACE = 'tracing-demo';
const GATEWAY_IMAGE = 'tracing-demo_api-gateway';
/** The gateway Service forwarded by the Tiltfile's gateway-port-forward, on the node's loopback. */
const GATEWAY = 'http://127.0.0.1:8080';
/** What the scratch copy takes from the working tree rather than HEAD: what this test is about. */
const FROM_WORKTREE = ['Tiltfile', 'deploy', 'cluster', 'services/Dockerfile'];
const EDITS = 5;

interface Report {
  tiltCiSeconds?: number;
  liveUpdateSeconds: number[];
  liveUpdate?: { min: number; median: number; max: number };
  rebuildSeconds?: number;
  helmTestSeconds?: number;
  tiltDownSeconds?: number;
  builder?: string;
  checks: string[];
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

describe('tilt up for real: podman builds, a local registry, a single-node cluster', () => {
  let cluster: TestCluster;
  let scratch: string;
  let tiltEnv: NodeJS.ProcessEnv;
  let up: ChildProcess | undefined;
  let upLog = '';
  const report: Report = { liveUpdateSeconds: [], checks: [] };
  const workDir = repoPath('.local/tilt');

  /** cluster/tilt.sh in the scratch copy: the tools cache's Tilt, inside the node. */
  const tilt = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run('bash', [repoPath('cluster/tilt.sh'), ...args], {
      cwd: scratch,
      env: { ...tiltEnv, ...env },
    });

  /** A program inside the node's network namespace, where the API server and Tilt's ports are. */
  const inNode = (command: string, args: string[]) =>
    run('bash', [repoPath('cluster/exec.sh'), command, ...args], { env: cluster.env });

  async function ok(what: string, result: Promise<RunResult>): Promise<string> {
    const done = await result;
    if (done.code !== 0)
      throw new Error(`${what} exited ${done.code}\n${done.stderr}\n${done.stdout}`);
    return done.stdout;
  }

  const kubectl = (...args: string[]) =>
    ok(`kubectl ${args.slice(0, 3).join(' ')}`, inNode(toolPath('kubectl'), args));
  // biome-ignore lint/suspicious/noExplicitAny: Tilt's and Kubernetes' API objects
  const tiltGet = async (object: string): Promise<any> =>
    JSON.parse(await ok(`tilt get ${object}`, tilt(['get', object, '-o', 'json'])));

  /**
   * The gateway's one pod once its rollout is over: uid, name, restarts (Tilt's Ready comes when
   * the release's pods are ready, which the old pods still are while a rollout goes on).
   */
  async function gatewayPod(): Promise<{ uid: string; restarts: number; name: string }> {
    await kubectl(
      ...['-n', NAMESPACE, 'rollout', 'status', `deploy/${RELEASE}-api-gateway`, '--timeout=600s'],
    );
    const pods = await waitFor(
      'one gateway pod',
      async () => {
        const items = JSON.parse(
          await kubectl(
            ...['-n', NAMESPACE, 'get', 'pods', '-o', 'json'],
            ...['-l', 'app.kubernetes.io/component=api-gateway'],
          ),
        ).items as PodJson[];
        return items.length === 1 ? items : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const pod = pods[0] as PodJson;
    return {
      uid: pod.metadata.uid,
      name: pod.metadata.name,
      restarts: (pod.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
    };
  }

  async function devLoopHeader(): Promise<string | undefined> {
    const answer = await inNode('curl', [
      '-s',
      '-D',
      '-',
      '-o',
      '/dev/null',
      '--max-time',
      '2',
      `${GATEWAY}/healthz`,
    ]);
    if (!/^HTTP\/1\.1 200/.test(answer.stdout)) return undefined;
    return /^x-dev-loop: (.*?)\r?$/im.exec(answer.stdout)?.[1] ?? '';
  }

  /** Tilt's last build of the gateway image: its reference (a new tag per build) and start. */
  async function gatewayBuild(): Promise<{ image: string; startedAt: string }> {
    const map = await tiltGet(`imagemap/${GATEWAY_IMAGE}`);
    const cmd = await tiltGet(`cmdimage/${RELEASE}:${GATEWAY_IMAGE}`);
    return { image: map.status.image, startedAt: cmd.status.completed?.startedAt ?? '' };
  }

  /** Edits the gateway's app.ts in the scratch copy: every answer gets `x-dev-loop: <value>`. */
  function setHeader(value: string) {
    const file = join(scratch, 'services/api-gateway/src/app.ts');
    const anchor = '  registerTraceEdge(app, config.trust);\n';
    const hook = (v: string) =>
      `  app.addHook('onRequest', async (_request, reply) => {\n    reply.header('x-dev-loop', '${v}');\n  });\n`;
    let text = readFileSync(file, 'utf8').replace(
      / {2}app\.addHook\('onRequest', async \(_request, reply\) => \{\n.*\n {2}\}\);\n/,
      '',
    );
    expect(text).toContain(anchor);
    text = text.replace(anchor, `${anchor}${hook(value)}`);
    writeFileSync(file, text);
  }

  beforeAll(async () => {
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    cluster = testCluster('tilt');
    cluster.env = {
      ...cluster.env,
      CLUSTER_COMPONENTS: 'node',
      CLUSTER_REGISTRY: 'local',
      CLUSTER_NETNS: `tracing-demo-tilt-${process.pid}`,
    };
    await clusterUp(cluster);
    // The Node base and the stand-ins (PostgreSQL, RabbitMQ, collector, Jaeger, Prometheus) in
    // the node; the project images are Tilt's to build.
    process.stdout.write(
      await ok(
        'cluster/images.sh',
        run('bash', [repoPath('cluster/images.sh')], {
          env: { ...cluster.env, CLUSTER_IMAGES: 'third-party' },
        }),
      ),
    );

    scratch = join(cluster.dir, 'repo');
    mkdirSync(scratch, { recursive: true });
    execFileSync('bash', ['-c', `git archive HEAD | tar -x -C '${scratch}'`], { cwd: repoPath() });
    for (const path of FROM_WORKTREE) {
      rmSync(join(scratch, path), { recursive: true, force: true });
      cpSync(repoPath(path), join(scratch, path), { recursive: true });
    }
    const node = execFileSync(repoPath('node_modules/.bin/node'), ['--version']).toString().trim();
    const home = join(cluster.dir, 'tilt-home');
    mkdirSync(home, { recursive: true });
    tiltEnv = {
      ...cluster.env,
      HOME: home,
      // The tools cache is found from HOME unless named: Tilt's HOME is a scratch one.
      TRACING_DEMO_TOOLS_DIR: dirname(dirname(dirname(toolPath('tilt')))),
      TILT_PORT: '10350',
      // The harness's context: not one Tilt knows as local (kind-…, k3d-…), so allowed by name.
      TILT_ALLOW_K8S_CONTEXT: 'tracing-demo',
      TILT_VALUES: 'cluster/values.yaml,cluster/tilt-values.yaml',
      NODE_IMAGE: `localhost/tracing-demo/node:${node.replace(/^v/, '')}-bookworm-slim`,
      // As cluster/images.sh builds: runc, rlimits this root can set, the node's own network.
      CONTAINER_ENGINE: 'podman --runtime runc',
      IMAGE_BUILD_FLAGS: '--ulimit nofile=20000:20000 --ulimit nproc=32768:32768 --network host',
    };
    // Tilt and its podman builds run in the node, which has no route out: `npm ci` comes from
    // podman's layer cache, filled here, on the host, from the same scratch copy.
    const warm = (dockerfile: string, args: string[]) =>
      ok(
        `podman build ${dockerfile} (npm ci into the layer cache)`,
        run(
          'podman',
          [
            ...['--runtime', 'runc', 'build', '--file', dockerfile],
            ...['--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=32768:32768'],
            ...['--build-arg', `NODE_IMAGE=${tiltEnv.NODE_IMAGE}`, ...args],
            ...(process.env.NODE_EXTRA_CA_CERTS
              ? ['--secret', `id=npm-ca,src=${process.env.NODE_EXTRA_CA_CERTS}`]
              : []),
            '.',
          ],
          { cwd: scratch },
        ),
      );
    await warm('services/Dockerfile', [
      ...['--target', 'build', '--build-arg', 'SERVICE=api-gateway', '--build-arg', 'PORT=3000'],
      ...['--tag', 'localhost/tracing-demo-tilt/warm-service'],
    ]);
    await warm('packages/cli/Dockerfile', ['--tag', 'localhost/tracing-demo-tilt/warm-cli']);
  }, 1_800_000);

  afterAll(async () => {
    if (up?.exitCode === null) {
      up.kill('SIGTERM');
      await new Promise((resolve) => up?.once('exit', resolve));
    }
    writeFileSync(join(workDir, 'tilt-up.log'), upLog);
    writeFileSync(join(workDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\n.local/tilt/report.json:\n${JSON.stringify(report, null, 2)}\n`);
    if (cluster) await clusterDown(cluster);
    // Tilt's references to what it pushed: the registry went with the cluster. Only the names
    // go; the layers stay in podman's cache for the next run.
    const refs = await run('podman', [
      ...[
        'images',
        '--format',
        '{{.Repository}}:{{.Tag}}',
        '--filter',
        'reference=localhost:5001/*',
      ],
    ]);
    for (const ref of refs.stdout.split('\n').filter(Boolean))
      await run('podman', ['untag', ref, ref]);
  }, 300_000);

  it('says in one line when the registry the cluster advertises does not answer', async () => {
    const hosting = 'local-registry-hosting';
    const patch = (host: string) =>
      kubectl(
        ...['-n', 'kube-public', 'patch', 'configmap', hosting, '--type=merge', '-p'],
        JSON.stringify({ data: { 'localRegistryHosting.v1': `host: "${host}"\n` } }),
      );
    const original = await kubectl('-n', 'kube-public', 'get', 'configmap', hosting, '-o', 'json');
    await patch('localhost:5999');
    try {
      const ci = await tilt(['ci', '--timeout=2m']);
      expect(ci.code).not.toBe(0);
      const line =
        'Error in fail: the registry the cluster advertises, localhost:5999 (ConfigMap kube-public/local-registry-hosting), does not answer';
      expect(ci.stdout + ci.stderr).toContain(line);
      report.checks.push(line);
    } finally {
      await kubectl(
        ...['-n', 'kube-public', 'patch', 'configmap', hosting, '--type=merge', '-p'],
        JSON.stringify({ data: JSON.parse(original).data }),
      );
    }
  }, 180_000);

  it('says in one line when the cluster does not answer', async () => {
    const dead = join(cluster.dir, 'kubeconfig-dead');
    writeFileSync(
      dead,
      readFileSync(cluster.kubeconfig, 'utf8').replace(
        /server: https:\/\/127\.0\.0\.1:\d+/,
        'server: https://127.0.0.1:1',
      ),
    );
    const ci = await tilt(['ci', '--timeout=2m'], { TILT_KUBECONFIG: dead });
    expect(ci.code).not.toBe(0);
    const line =
      "Error in fail: no Kubernetes cluster: kube-context 'tracing-demo' does not answer";
    expect(ci.stdout + ci.stderr).toContain(line);
    report.checks.push(line);
  }, 180_000);

  it('tilt ci: every image built with podman and pushed, the chart deployed, all ready', async () => {
    const started = Date.now();
    const ci = await tilt(['ci', '--timeout=30m']);
    writeFileSync(join(workDir, 'tilt-ci.log'), `${ci.stdout}\n${ci.stderr}`);
    expect(ci.code, `${ci.stdout.slice(-6000)}\n${ci.stderr.slice(-3000)}`).toBe(0);
    report.tiltCiSeconds = seconds(started);
    const output = ci.stdout + ci.stderr;
    report.builder = /Building images with (\w+)/.exec(output)?.[1];
    expect(report.builder).toBe('podman');
    // Every image in the registry the ConfigMap advertises, deployed from there.
    const catalog = JSON.parse(
      await ok('registry catalog', inNode('curl', ['-fsS', 'http://127.0.0.1:5001/v2/_catalog'])),
    );
    expect(catalog.repositories.sort()).toEqual(
      [
        'api-gateway',
        'auth-service',
        'cli',
        'fulfillment-worker',
        'loadgen',
        'order-service',
        'payment-service',
      ].map((n) => `tracing-demo_${n}`),
    );
    const deploy = JSON.parse(
      await kubectl('-n', NAMESPACE, 'get', 'deploy', `${RELEASE}-api-gateway`, '-o', 'json'),
    );
    expect(deploy.spec.template.spec.containers[0].image).toMatch(
      /^localhost:5001\/tracing-demo_api-gateway:tilt-/,
    );
    const releases = JSON.parse(
      await ok('helm list', inNode(toolPath('helm'), ['list', '-n', NAMESPACE, '-o', 'json'])),
    );
    expect(releases.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([
      [RELEASE, 'deployed'],
    ]);
  }, 2_400_000);

  it('tilt up: a gateway source edit is live in seconds, with no rebuild and no restart', async () => {
    up = spawn('bash', [repoPath('cluster/tilt.sh'), 'up', '--stream'], {
      cwd: scratch,
      env: tiltEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    up.stdout?.on('data', (chunk: Buffer) => {
      upLog += chunk.toString();
    });
    up.stderr?.on('data', (chunk: Buffer) => {
      upLog += chunk.toString();
    });
    await waitFor('the Tilt API', async () => (await tilt(['get', 'session'])).code === 0, {
      timeoutMs: 120_000,
      intervalMs: 1000,
    });
    await ok(
      'tilt wait',
      tilt([
        'wait',
        '--for=condition=Ready',
        '--timeout=1200s',
        `uiresource/${RELEASE}`,
        'uiresource/gateway-port-forward',
      ]),
    );
    await waitFor(
      'the gateway through the port-forward',
      async () => (await devLoopHeader()) !== undefined,
      {
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    const pod = await gatewayPod();
    const build = await gatewayBuild();
    expect(pod.restarts).toBe(0);

    for (let edit = 1; edit <= EDITS; edit++) {
      const value = `live-${edit}`;
      const started = Date.now();
      setHeader(value);
      await waitFor(
        `x-dev-loop: ${value} through the gateway`,
        async () => (await devLoopHeader()) === value,
        {
          timeoutMs: 120_000,
          intervalMs: 200,
        },
      );
      report.liveUpdateSeconds.push(seconds(started));
    }
    const sorted = [...report.liveUpdateSeconds].sort((a, b) => a - b);
    report.liveUpdate = {
      min: sorted[0] as number,
      median: sorted[Math.floor(sorted.length / 2)] as number,
      max: sorted[sorted.length - 1] as number,
    };
    // The same pod, never restarted, from the same image build: Live Update, not a deploy.
    expect(await gatewayPod()).toEqual(pod);
    expect(await gatewayBuild()).toEqual(build);
    const liveUpdate = await tiltGet(`liveupdate/${RELEASE}:${GATEWAY_IMAGE}`);
    expect(liveUpdate.status.failed).toBeUndefined();
    expect(liveUpdate.status.containers?.[0]?.podName).toBe(pod.name);
  }, 2_400_000);

  it('tilt up: a change live update cannot apply (tsconfig.json) rebuilds and rolls the gateway', async () => {
    const pod = await gatewayPod();
    const build = await gatewayBuild();
    const started = Date.now();
    setHeader('rebuilt');
    const tsconfig = join(scratch, 'services/api-gateway/tsconfig.json');
    const config = JSON.parse(readFileSync(tsconfig, 'utf8'));
    config.compilerOptions = { ...config.compilerOptions, newLine: 'lf' };
    writeFileSync(tsconfig, `${JSON.stringify(config, null, 2)}\n`);
    await waitFor(
      'a new gateway pod answering x-dev-loop: rebuilt',
      async () => {
        if ((await devLoopHeader()) !== 'rebuilt') return false;
        return (await gatewayPod()).uid !== pod.uid;
      },
      { timeoutMs: 900_000, intervalMs: 500 },
    );
    report.rebuildSeconds = seconds(started);
    const rebuilt = await gatewayBuild();
    expect(rebuilt.image).not.toBe(build.image);
    expect(rebuilt.startedAt).not.toBe(build.startedAt);
    const deploy = JSON.parse(
      await kubectl('-n', NAMESPACE, 'get', 'deploy', `${RELEASE}-api-gateway`, '-o', 'json'),
    );
    expect(`localhost:5001/${rebuilt.image.split('/').pop()}`).toBe(
      deploy.spec.template.spec.containers[0].image,
    );
  }, 1_200_000);

  it('helm-test, triggered through Tilt, passes', async () => {
    const started = Date.now();
    await ok('tilt trigger helm-test', tilt(['trigger', 'helm-test']));
    const done = await waitFor(
      'helm-test to finish',
      async () => {
        const resource = await tiltGet('uiresource/helm-test');
        const last = resource.status.buildHistory?.[0];
        return last && Date.parse(last.startTime) >= started - 1000 ? last : undefined;
      },
      { timeoutMs: 600_000, intervalMs: 1000 },
    );
    report.helmTestSeconds = seconds(started);
    const logs = await tilt(['logs', 'helm-test']);
    expect(done.error, logs.stdout.slice(-4000)).toBeUndefined();
    expect(logs.stdout).toMatch(/Phase:\s+Succeeded/);
    // verify's own report, which the resource prints after `helm test`.
    expect(logs.stdout).toMatch(/✓ release tracing-demo verified in \d+\.\d s/);
  }, 700_000);

  it('tilt down: no release and nothing in the namespace', async () => {
    up?.kill('SIGTERM');
    await new Promise((resolve) => (up?.exitCode === null ? up.once('exit', resolve) : resolve(0)));
    const started = Date.now();
    await ok('tilt down', tilt(['down']));
    report.tiltDownSeconds = seconds(started);
    const releases = JSON.parse(
      await ok('helm list', inNode(toolPath('helm'), ['list', '-n', NAMESPACE, '-o', 'json'])),
    );
    expect(releases).toEqual([]);
    const kinds = (await kubectl('api-resources', '--namespaced', '--verbs=list', '-o', 'name'))
      .split('\n')
      .filter((kind) => kind && !/^events(\.events\.k8s\.io)?$/.test(kind));
    let left: string[] = [];
    await waitFor(
      'the namespace to be empty',
      async () => {
        const names = (await kubectl('-n', NAMESPACE, 'get', kinds.join(','), '-o', 'name')).trim();
        // The namespace's own ConfigMap and ServiceAccount come with every namespace.
        left = names
          .split('\n')
          .filter((n) => n && !/^(configmap\/kube-root-ca\.crt|serviceaccount\/default)$/.test(n));
        return left.length === 0;
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; left: ${left.join(', ')}`);
    });
  }, 400_000);
});

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status: { containerStatuses?: { restartCount: number }[] };
}
