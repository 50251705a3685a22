import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoPath, toolPath } from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceImages } from './deploy-files.js';

const run = promisify(execFile);

// Only the parts of `tilt alpha tiltfile-result` (Tilt's own model of the Tiltfile) used here.
interface ImageTarget {
  selector: string;
  /** docker_build's DockerImageSpec, or custom_build's CmdImageSpec (args, outputMode, Deps). */
  BuildDetails: {
    context: string;
    dockerfileContents: string;
    target: string;
    args?: string[];
    secrets: string[] | null;
    contextIgnores: { basePath: string; patterns?: string[] }[];
    outputMode?: string;
    dir?: string;
    Deps?: string[];
  };
  FileWatchIgnores?: { basePath: string; patterns?: string[] }[];
  LiveUpdateSpec: {
    syncs?: { localPath: string; containerPath: string }[];
    execs?: { args: string[]; triggerPaths: string[] }[];
  };
}

interface Manifest {
  Name: string;
  ImageTargets: ImageTarget[] | null;
  ResourceDependencies: string[] | null;
  DeployTarget: {
    imageMaps?: string[];
    applyCmd?: { args: string[] };
    deleteCmd?: { args: string[] };
    ServeCmd?: { Argv: string[] };
    Links?: { Name: string; URL: { Host: string } }[];
  };
}

interface TiltfileResult {
  Manifests: Manifest[];
  Error: unknown;
}

let home: string;

/**
 * Evaluates the Tiltfile with the real Tilt, offline: no cluster, no Docker, nothing fetched
 * (the Tiltfile loads no ext:// extension). Tilt prints what it would build and deploy. The
 * builder is docker unless `env` says otherwise, whatever this machine has.
 */
async function evaluate(env: Record<string, string> = {}): Promise<TiltfileResult> {
  const { stdout } = await run(toolPath('tilt'), ['alpha', 'tiltfile-result'], {
    cwd: repoPath(),
    env: { PATH: process.env.PATH ?? '', HOME: home, TILT_BUILDER: 'docker', ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as TiltfileResult;
}

/** The one line the Tiltfile fails with when `tilt up`/`tilt ci` could not work here. */
async function setupProblem(env: Record<string, string>): Promise<string> {
  const failed = await run(toolPath('tilt'), ['alpha', 'tiltfile-result'], {
    cwd: repoPath(),
    env: { HOME: home, TILT_CHECK_SETUP: '1', ...env },
  }).then(
    () => undefined,
    (error: { stderr: string }) => error.stderr,
  );
  const lines = (failed ?? '').split('\n').filter((line) => line.startsWith('Error in fail: '));
  expect(lines).toHaveLength(1);
  return (lines[0] ?? '').slice('Error in fail: '.length);
}

/** `deploy/tilt-helm.sh apply CONTEXT RELEASE NAMESPACE CHART KEY... -- FLAG...`, parsed. */
function applyOf(manifest: Manifest | undefined) {
  const args = manifest?.DeployTarget.applyCmd?.args ?? [];
  const dash = args.indexOf('--');
  return {
    script: args.slice(0, 2),
    context: args[2],
    release: args[3],
    namespace: args[4],
    chart: args[5],
    imageKeys: args.slice(6, dash),
    flags: args.slice(dash + 1),
  };
}

describe('Tiltfile', () => {
  const services = serviceImages();
  let result: TiltfileResult;
  let release: Manifest | undefined;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tilt-home-'));
    result = await evaluate();
    release = result.Manifests.find((m) => m.Name === 'tracing-demo');
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('evaluates without a cluster: the release, helm test and three port forwards', () => {
    expect(result.Error).toBeNull();
    expect(result.Manifests.map((m) => m.Name).sort()).toEqual(
      [
        'gateway-port-forward',
        'grafana-port-forward',
        'jaeger-port-forward',
        'helm-test',
        'tracing-demo',
      ].sort(),
    );
  });

  it('installs charts/tracing-demo with helm (deploy/tilt-helm.sh) and the dev values', () => {
    const apply = applyOf(release);
    expect(apply.script).toEqual(['deploy/tilt-helm.sh', 'apply']);
    expect(apply.chart).toBe('charts/tracing-demo');
    expect(apply.release).toBe('tracing-demo');
    expect(apply.namespace).toBe('tracing-demo');
    expect(apply.flags.join(' ')).toBe(
      [
        '--create-namespace --values deploy/dev-values.yaml --values deploy/tilt-values.yaml',
        // Room for Live Update's compiler next to each service.
        ...services.map((s) => `--set services.${s.name}.resources.limits.memory=1Gi`),
      ].join(' '),
    );
    expect(release?.DeployTarget.deleteCmd?.args).toEqual([
      'deploy/tilt-helm.sh',
      'delete',
      apply.context,
      'tracing-demo',
      'tracing-demo',
    ]);
  });

  it('takes more values files from TILT_VALUES, and forwards Grafana only when it runs', async () => {
    const withValues = await evaluate({
      TILT_VALUES: 'cluster/values.yaml,cluster/tilt-values.yaml',
    });
    const tilted = withValues.Manifests.find((m) => m.Name === 'tracing-demo');
    expect(applyOf(tilted).flags.slice(5, 9)).toEqual([
      '--values',
      'cluster/values.yaml',
      '--values',
      'cluster/tilt-values.yaml',
    ]);
    // cluster/tilt-values.yaml disables Grafana, which has no image in the test cluster.
    expect(withValues.Manifests.map((m) => m.Name)).not.toContain('grafana-port-forward');
  });

  it('injects every image it builds into the chart: services.<name>.image, tests.verify.image', () => {
    expect(release?.DeployTarget.imageMaps).toEqual([
      ...services.map((s) => `tracing-demo_${s.name}`),
      'tracing-demo_cli',
    ]);
    // deploy/tilt-helm.sh sets key <i> from $TILT_IMAGE_<i>, Tilt's reference to image map <i>.
    expect(applyOf(release).imageKeys).toEqual([
      ...services.map((s) => `services.${s.name}.image`),
      'tests.verify.image',
    ]);
    expect(release?.ImageTargets?.map((t) => t.selector)).toEqual([
      ...services.map((s) => `tracing-demo/${s.name}`),
      'tracing-demo/cli',
    ]);
  });

  it('builds the CLI image of helm test from packages/cli/Dockerfile, without Live Update', () => {
    const image = release?.ImageTargets?.find((t) => t.selector === 'tracing-demo/cli');
    expect(image?.BuildDetails.dockerfileContents).toBe(
      readFileSync(repoPath('packages/cli/Dockerfile'), 'utf8'),
    );
    expect(image?.LiveUpdateSpec.syncs ?? []).toEqual([]);
    const ignored = image?.BuildDetails.contextIgnores.flatMap((i) => i.patterns ?? []) ?? [];
    expect(ignored).not.toContain('packages/cli/src');
    for (const s of services) expect(ignored).toContain(`services/${s.name}/src`);
  });

  it.each(services.map((s) => [s.name, s.port] as const))(
    'builds %s from services/Dockerfile, dev target, with its name and port',
    (name, port) => {
      const image = release?.ImageTargets?.find((t) => t.selector === `tracing-demo/${name}`);
      expect(image?.BuildDetails.context).toBe(repoPath());
      expect(image?.BuildDetails.dockerfileContents).toBe(
        readFileSync(repoPath('services/Dockerfile'), 'utf8'),
      );
      expect(image?.BuildDetails.target).toBe('dev');
      expect(image?.BuildDetails.args?.sort()).toEqual([`PORT=${port}`, `SERVICE=${name}`]);
    },
  );

  it.each(services.map((s) => [s.name] as const))(
    'live-updates %s: syncs its sources, compiles in the container, ignores other services',
    (name) => {
      const image = release?.ImageTargets?.find((t) => t.selector === `tracing-demo/${name}`);
      const syncs = image?.LiveUpdateSpec.syncs ?? [];
      expect(syncs).toContainEqual({
        localPath: `services/${name}/src`,
        containerPath: `/app/services/${name}/src`,
      });
      expect(syncs).toContainEqual({
        localPath: 'packages/telemetry/src',
        containerPath: '/app/packages/telemetry/src',
      });
      for (const sync of syncs) expect(sync.containerPath).toBe(`/app/${sync.localPath}`);
      expect(image?.LiveUpdateSpec.execs).toEqual([
        {
          args: ['sh', '-c', 'npx tsc -b'],
          triggerPaths: syncs.map((s) => s.localPath),
          echoOff: false,
        },
      ]);
      const ignored = image?.BuildDetails.contextIgnores.flatMap((i) => i.patterns ?? []) ?? [];
      for (const other of services.filter((s) => s.name !== name)) {
        expect(ignored).toContain(`services/${other.name}/src`);
      }
      expect(ignored).not.toContain(`services/${name}/src`);
    },
  );

  it('forwards the gateway, Grafana and Jaeger Services once the release is up', () => {
    const forwards = result.Manifests.filter((m) => m.Name.endsWith('-port-forward'));
    const argv = Object.fromEntries(forwards.map((m) => [m.Name, m.DeployTarget.ServeCmd?.Argv]));
    // Again whenever it ends: kubectl port-forward exits when the pod it picked goes.
    const forward = (target: string, ports: string) => [
      'sh',
      '-c',
      `while true; do kubectl --namespace tracing-demo port-forward ${target} ${ports}; echo "port-forward ended; again in 1 s"; sleep 1; done`,
    ];
    expect(argv['gateway-port-forward']).toEqual(
      forward('service/tracing-demo-api-gateway', '8080:3000'),
    );
    expect(argv['grafana-port-forward']).toEqual(
      forward('service/tracing-demo-grafana', '3300:3000'),
    );
    expect(argv['jaeger-port-forward']).toEqual(
      forward('service/tracing-demo-jaeger', '16696:16686'),
    );
    for (const forward of forwards) {
      expect(forward.ResourceDependencies).toEqual(['tracing-demo']);
      expect(forward.DeployTarget.Links?.[0]?.URL.Host).toMatch(/^localhost:\d+$/);
    }
  });

  it('passes a base image and a proxy CA through from the environment', async () => {
    const withEnv = await evaluate({
      NODE_IMAGE: 'localhost/tracing-demo/node:24.9.0-bookworm-slim',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
    });
    const images = withEnv.Manifests.flatMap((m) => m.ImageTargets ?? []);
    expect(images).toHaveLength(services.length + 1);
    for (const image of images) {
      expect(image.BuildDetails.args).toContain(
        'NODE_IMAGE=localhost/tracing-demo/node:24.9.0-bookworm-slim',
      );
      expect(image.BuildDetails.secrets).toEqual([
        'id=npm-ca,src=/etc/ssl/certs/ca-certificates.crt',
      ]);
    }
  });

  it('builds the same images with podman where there is no Docker: pushed to the registry', async () => {
    const podman = await evaluate({
      TILT_BUILDER: 'podman',
      NODE_IMAGE: 'localhost/tracing-demo/node:24.9.0-bookworm-slim',
    });
    const images = podman.Manifests.flatMap((m) => m.ImageTargets ?? []);
    expect(images.map((i) => i.selector)).toEqual(release?.ImageTargets?.map((t) => t.selector));
    for (const image of images) {
      const docker = release?.ImageTargets?.find((t) => t.selector === image.selector);
      const name = image.selector.replace('tracing-demo/', '');
      const dockerfile = name === 'cli' ? 'packages/cli/Dockerfile' : 'services/Dockerfile';
      const args = image.BuildDetails.args ?? [];
      expect(args.slice(0, 2)).toEqual(['deploy/tilt-podman-build.sh', dockerfile]);
      expect(args).toContain('NODE_IMAGE=localhost/tracing-demo/node:24.9.0-bookworm-slim');
      // custom_build(skips_local_docker=True): the script pushes, Tilt looks in no Docker.
      expect(image.BuildDetails.outputMode).toBe('remote');
      expect(image.BuildDetails.Deps).toEqual([repoPath()]);
      // The same context filter and Live Update as with docker_build.
      const ignored = (image.FileWatchIgnores ?? []).flatMap((i) => i.patterns ?? []);
      for (const pattern of docker?.BuildDetails.contextIgnores.flatMap((i) => i.patterns ?? []) ??
        [])
        expect(ignored).toContain(pattern);
      expect(image.LiveUpdateSpec).toEqual(docker?.LiveUpdateSpec);
      if (name !== 'cli') {
        const port = services.find((s) => s.name === name)?.port;
        expect(args.join(' ')).toContain(
          `--target dev --build-arg NODE_IMAGE=localhost/tracing-demo/node:24.9.0-bookworm-slim --build-arg PORT=${port} --build-arg SERVICE=${name}`,
        );
      }
    }
  });

  describe('says in one line what stops `tilt up` here', () => {
    let bin: string;
    let kubeconfig: string;
    beforeAll(() => {
      // A PATH with a shell and nothing else: no docker, no podman, no kubectl.
      bin = join(home, 'bin');
      mkdirSync(bin, { recursive: true });
      symlinkSync('/bin/sh', join(bin, 'sh'));
      const cluster = (name: string) =>
        `- name: ${name}\n  cluster: {server: 'https://127.0.0.1:1'}\n`;
      const context = (name: string) => `- name: ${name}\n  context: {cluster: ${name}, user: u}\n`;
      const config = (current: string) =>
        `apiVersion: v1\nkind: Config\nclusters:\n${cluster('prod')}${cluster('kind-dev')}` +
        `contexts:\n${context('prod')}${context('kind-dev')}users:\n- name: u\n  user: {}\n` +
        `current-context: ${current}\n`;
      kubeconfig = join(home, 'kubeconfig');
      writeFileSync(kubeconfig, config('prod'));
      writeFileSync(`${kubeconfig}-kind`, config('kind-dev'));
    });

    it('no builder: neither Docker nor podman', async () => {
      expect(await setupProblem({ PATH: bin })).toBe(
        'no image builder: neither a Docker daemon (docker info) nor podman was found',
      );
    });

    it('no cluster: no kube-context', async () => {
      expect(await setupProblem({ PATH: bin, TILT_BUILDER: 'podman' })).toMatch(
        /^no Kubernetes cluster: no current kube-context/,
      );
    });

    it('a kube-context that is not a local cluster, unless allowed', async () => {
      const env = { PATH: bin, TILT_BUILDER: 'docker', KUBECONFIG: kubeconfig };
      expect(await setupProblem(env)).toBe(
        "kube-context 'prod' is not a local cluster: switch contexts, or allow it with TILT_ALLOW_K8S_CONTEXT=prod",
      );
      // Allowed, or a kind cluster, it gets to the next check: the tools that deploy.
      const next = 'kubectl is not on PATH (deploy/README.md lists the tools)';
      expect(await setupProblem({ ...env, TILT_ALLOW_K8S_CONTEXT: 'prod' })).toBe(next);
      expect(await setupProblem({ ...env, KUBECONFIG: `${kubeconfig}-kind` })).toBe(next);
    });
  });
});
