import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { repoPath } from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The programs the kind flow needs; the tests take them away and check what `make` says.
const CLUSTER_TOOLS = ['docker', 'kind', 'kubectl', 'helm', 'tilt', 'podman'];

let scratch: string;
let bin: string;
let noTools: string;

/**
 * A bin directory holding everything on this machine's PATH except the cluster tools (so the
 * test means the same on a machine that has them), plus `fakes`: name → shell script body.
 */
function pathWithout(fakes: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(scratch, 'bin-'));
  for (const [name, body] of Object.entries(fakes)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  for (const entry of readdirSync(bin)) {
    if (!existsSync(join(dir, entry))) symlinkSync(join(bin, entry), join(dir, entry));
  }
  return dir;
}

async function make(target: string, path: string) {
  return new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
    execFile(
      'make',
      ['--no-print-directory', '-C', repoPath(), target],
      {
        env: {
          PATH: path,
          HOME: process.env.HOME ?? scratch,
          // No pinned helm or tilt either: tools/which.sh finds nothing here.
          TRACING_DEMO_TOOLS_DIR: noTools,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The tools a run's output says are missing, from its `<target>: missing <tool> - <hint>` lines. */
function missing(stderr: string, target: string): string[] {
  return [...stderr.matchAll(new RegExp(`^make ${target}: missing (\\S+) - \\S.*$`, 'gm'))].map(
    (m) => m[1] as string,
  );
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'make-targets-'));
  bin = join(scratch, 'system');
  noTools = join(scratch, 'no-tools');
  mkdirSync(bin);
  mkdirSync(noTools);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (CLUSTER_TOOLS.includes(entry) || existsSync(join(bin, entry))) continue;
      symlinkSync(join(dir, entry), join(bin, entry));
    }
  }
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the kind flow without its tools', () => {
  it.each([
    ['up', ['docker', 'kind', 'kubectl', 'helm']],
    ['dev', ['docker', 'kind', 'kubectl', 'helm', 'tilt']],
    ['down', ['docker', 'kind']],
    ['images', ['docker']],
  ])('make %s names every missing tool, points to make local, and fails', async (target, tools) => {
    const { code, stderr, stdout } = await make(target, pathWithout());
    expect(code, stdout + stderr).not.toBe(0);
    expect(missing(stderr, target)).toEqual(tools);
    expect(stderr).toMatch(new RegExp(`^make ${target}: .*'make local'`, 'm'));
    // It stops at the check: nothing was attempted.
    expect(stderr).not.toMatch(/\[deploy\]/);
  });

  it('tells a docker without a running daemon apart from a missing one', async () => {
    const path = pathWithout({ docker: 'exit 1', kind: 'exit 0' });
    const { code, stderr } = await make('up', path);
    expect(code).not.toBe(0);
    expect(missing(stderr, 'up')).toEqual(['kubectl', 'helm']);
    expect(stderr).toMatch(/^make up: docker is installed but its daemon does not answer/m);
  });
});

describe('make help', () => {
  it('lists the kind flow', async () => {
    const { stdout } = await make('help', process.env.PATH ?? '');
    for (const target of ['images', 'up', 'down', 'dev']) {
      expect(stdout).toMatch(new RegExp(`^ {2}make ${target} +\\S`, 'm'));
    }
  });
});
