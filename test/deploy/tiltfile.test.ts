import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  BuildDetails: {
    context: string;
    dockerfileContents: string;
    target: string;
    args?: string[];
    secrets: string[] | null;
    contextIgnores: { basePath: string; patterns?: string[] }[];
  };
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
    applyCmd?: { env: string[] };
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
 * Evaluates the Tiltfile with the real Tilt, offline: TILT_EXTENSIONS_DIR points ext:// loads at
 * a test double of helm_resource (test/deploy/fixtures/tilt-extensions) instead of GitHub.
 * No cluster and no Docker are involved; Tilt prints what it would build and deploy.
 */
async function evaluate(env: Record<string, string> = {}): Promise<TiltfileResult> {
  const { stdout } = await run(toolPath('tilt'), ['alpha', 'tiltfile-result'], {
    cwd: repoPath(),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      TILT_EXTENSIONS_DIR: repoPath('test/deploy/fixtures/tilt-extensions'),
      ...env,
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as TiltfileResult;
}

const envOf = (manifest: Manifest | undefined) =>
  Object.fromEntries(
    (manifest?.DeployTarget.applyCmd?.env ?? []).map((entry) => {
      const at = entry.indexOf('=');
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );

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

  it('installs charts/tracing-demo with helm_resource and the dev values', () => {
    const env = envOf(release);
    expect(env.CHART).toBe('charts/tracing-demo');
    expect(env.RELEASE_NAME).toBe('tracing-demo');
    expect(env.NAMESPACE).toBe('tracing-demo');
    const flags = (JSON.parse(env.FLAGS ?? '[]') as string[]).join(' ');
    expect(flags).toContain('--values deploy/dev-values.yaml --values deploy/tilt-values.yaml');
  });

  it('injects every image it builds into the chart: services.<name>.image, tests.verify.image', () => {
    expect(release?.DeployTarget.imageMaps).toEqual([
      ...services.map((s) => `tracing-demo_${s.name}`),
      'tracing-demo_cli',
    ]);
    expect(JSON.parse(envOf(release).IMAGE_KEYS ?? '[]')).toEqual([
      ...services.map((s) => [
        `services.${s.name}.image.repository`,
        `services.${s.name}.image.tag`,
      ]),
      ['tests.verify.image.repository', 'tests.verify.image.tag'],
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
    const argv = Object.fromEntries(
      forwards.map((m) => [m.Name, m.DeployTarget.ServeCmd?.Argv.slice(-2)]),
    );
    expect(argv['gateway-port-forward']).toEqual(['service/tracing-demo-api-gateway', '8080:3000']);
    expect(argv['grafana-port-forward']).toEqual(['service/tracing-demo-grafana', '3300:3000']);
    expect(argv['jaeger-port-forward']).toEqual(['service/tracing-demo-jaeger', '16696:16686']);
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
});
