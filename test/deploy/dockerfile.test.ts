import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadManifest, repoPath } from '@tracing-demo/platform';
import { describe, expect, it } from 'vitest';
import { last, parseDockerfile } from './deploy-files.js';

const dockerfile = parseDockerfile(readFileSync(repoPath('services/Dockerfile'), 'utf8'));
const production = dockerfile.stages.at(-1);
const dev = dockerfile.stages.find((stage) => stage.name === 'dev');
const START = ['node', '--import', '@tracing-demo/telemetry/register', 'dist/server.js'];

describe('services/Dockerfile', () => {
  it('takes its base image from the NODE_IMAGE build arg, Node 24 by default, in every FROM', () => {
    // The Node the tests run: the `node` devDependency.
    const pinned = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).devDependencies.node;
    expect(pinned).toMatch(/^24\./);
    expect(dockerfile.globalArgs).toContain(`NODE_IMAGE=node:${pinned}-bookworm-slim`);
    const earlier = new Set<string>();
    for (const stage of dockerfile.stages) {
      expect([`\${NODE_IMAGE}`, ...earlier], `FROM ${stage.from}`).toContain(stage.from);
      if (stage.name) earlier.add(stage.name);
    }
  });

  it('runs the production image as a numeric non-root user', () => {
    const user = production && last(production, 'USER');
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user?.split(':')[0])).toBeGreaterThan(0);
  });

  it('starts the service with the telemetry bootstrap from its own folder', () => {
    expect(production && JSON.parse(last(production, 'CMD') ?? 'null')).toEqual(START);
    expect(production && last(production, 'WORKDIR')).toBe(`/app/services/\${SERVICE}`);
    // Listening on loopback, the service would be unreachable from outside its container.
    expect(production && last(production, 'ENV')).toMatch(/\bHOST=0\.0\.0\.0\b/);
  });

  it('exposes the port it is built for, and fails a build that names no service or port', () => {
    expect(production && last(production, 'EXPOSE')).toBe(`\${PORT}`);
    const build = dockerfile.stages.find((stage) => stage.name === 'build');
    const check = build?.instructions.find(
      (i) => i.keyword === 'RUN' && i.args.includes(`services/\${SERVICE}/package.json`),
    );
    expect(check?.args).toMatch(/-z "\$\{PORT\}"/);
  });

  it('installs production dependencies only in the production image', () => {
    const deps = dockerfile.stages.find((stage) => stage.name === 'production-deps');
    const install = deps?.instructions.find((i) => i.keyword === 'RUN')?.args ?? '';
    expect(install).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(install).toMatch(/--workspace "services\/\$\{SERVICE\}"/);
    // node_modules and dist are the only things the production stage takes from others.
    const copies = production?.instructions.filter((i) => i.keyword === 'COPY') ?? [];
    expect(copies.map((c) => c.args)).toEqual([
      '--from=production-deps /app/ ./',
      '--from=build --chown=0:0 /tmp/dist/ ./',
    ]);
  });

  it('has a dev target for Tilt that restarts the service when dist/ changes', () => {
    expect(dev && JSON.parse(last(dev, 'CMD') ?? 'null')).toEqual([
      'node',
      '--watch',
      ...START.slice(1),
    ]);
    expect(dev?.from).toBe('build');
    // The build stage runs as 1000, so Live Update's files and tsc's output are writable.
    const build = dockerfile.stages.find((stage) => stage.name === 'build');
    expect(build && last(build, 'USER')).toBe('1000:1000');
  });
});

describe('packages/cli/Dockerfile', () => {
  const cli = parseDockerfile(readFileSync(repoPath('packages/cli/Dockerfile'), 'utf8'));
  const final = cli.stages.at(-1);

  it('gives `helm test` a non-root image whose command is tracing-demo', () => {
    expect(cli.globalArgs).toEqual(dockerfile.globalArgs);
    expect(final && last(final, 'USER')).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(final && JSON.parse(last(final, 'ENTRYPOINT') ?? 'null')).toEqual(['tracing-demo']);
    expect(final && last(final, 'ENV')).toContain('PATH=/app/node_modules/.bin:$PATH');
  });

  it("begins with the services' stages up to the install, so the two share the build cache", () => {
    const upToInstall = (stages: typeof cli.stages) => {
      const [manifests, build] = stages;
      const install = build?.instructions.findIndex((i) => i.args.includes('npm ci')) ?? -1;
      expect(install).toBeGreaterThan(0);
      return [manifests, { ...build, instructions: build?.instructions.slice(0, install + 1) }];
    };
    expect(upToInstall(cli.stages)).toEqual(upToInstall(dockerfile.stages));
  });
});

describe('the images `make images` builds', () => {
  it('are the services of services/services.yaml, with port and exposure (deploy/lib.sh services)', () => {
    const listed = execFileSync(
      'bash',
      ['-c', 'source scripts/lib.sh && source deploy/lib.sh && services'],
      { cwd: repoPath(), encoding: 'utf8' },
    );
    expect(listed).toBe(
      loadManifest()
        .services.map((s) => `${s.name} ${s.port} ${s.exposure}\n`)
        .join(''),
    );
  });
});

describe('.dockerignore', () => {
  const patterns = readFileSync(repoPath('.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('is an allow-list of what the images compile', () => {
    expect(patterns[0]).toBe('*');
    expect(patterns.filter((p) => p.startsWith('!')).sort()).toEqual(
      [
        '!package-lock.json',
        '!package.json',
        '!packages/',
        '!services/',
        '!tsconfig.base.json',
      ].sort(),
    );
  });

  it('keeps what the host installed and compiled out of the context', () => {
    const reincluded = patterns.findLastIndex((p) => p.startsWith('!'));
    const excludedAfter = patterns.slice(reincluded + 1);
    expect(excludedAfter).toEqual(
      expect.arrayContaining(['**/node_modules', '**/dist', '**/*.tsbuildinfo']),
    );
  });
});
