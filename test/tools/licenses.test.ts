import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '@tracing-demo/platform';
import { describe, expect, it } from 'vitest';

/** tools/licenses.py --identify: what `make tools-check` concludes from a licence text. */
function identify(files: string[]): { verdicts: Map<string, string>; status: number | null } {
  const run = spawnSync('python3', [repoPath('tools', 'licenses.py'), '--identify', ...files], {
    encoding: 'utf8',
  });
  const verdicts = new Map(
    run.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .map(([file, licence, verdict]) => [file as string, `${licence} ${verdict}`]),
  );
  return { verdicts, status: run.status };
}

const moduleCache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();

describe('the tools licence check', () => {
  it('forbids copyleft, source-available and unrecognised licences', () => {
    const dir = mkdtempSync(join(tmpdir(), 'licences-'));
    const texts: Record<string, string> = {
      'AGPL forbidden': 'GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007\n',
      'GPL forbidden': 'GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991\n',
      'LGPL forbidden': 'GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n',
      'SSPL forbidden': 'Server Side Public License\nVERSION 1, OCTOBER 16, 2018\n',
      'BUSL forbidden': 'Business Source License 1.1\nLicensor: Example\n',
      'unknown forbidden': 'All rights reserved. Ask us before you use this.\n',
    };
    const files = Object.entries(texts).map(([expected, text], i) => {
      const file = join(dir, `LICENSE-${i}`);
      writeFileSync(file, text);
      return [file, expected] as const;
    });
    const { verdicts, status } = identify(files.map(([file]) => file));
    for (const [file, expected] of files) expect(verdicts.get(file)).toBe(expected);
    expect(status).toBe(1);
  });

  it('allows the permissive licences of modules the tools link', () => {
    const jaeger = join(moduleCache, 'github.com/jaegertracing/jaeger@v1.75.0/LICENSE');
    const { verdicts, status } = identify([jaeger]);
    expect(verdicts.get(jaeger)).toBe('Apache-2.0 allowed');
    expect(status).toBe(0);
  });
});
