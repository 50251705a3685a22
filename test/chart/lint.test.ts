import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allScenarios, CHART, helm } from './helm.ts';

describe('helm lint --strict', () => {
  it.each(allScenarios())('passes with %s', async (_name, args) => {
    const result = await helm(['lint', '--strict', 'charts/tracing-demo', ...args]);
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });
});

describe('the chart helpers', () => {
  it('are all named tracing-demo.<component>.<thing>', () => {
    const templates = join(CHART, 'templates');
    const names = readdirSync(templates, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(tpl|yaml|txt)$/.test(file))
      .flatMap((file) => [
        ...readFileSync(join(templates, file), 'utf8').matchAll(/define "([^"]+)"/g),
      ])
      .map((match) => match[1]);
    expect(names.length).toBeGreaterThan(0);
    expect(
      names.filter((name) => !/^tracing-demo\.[a-zA-Z]+\.[a-zA-Z]+$/.test(name ?? '')),
    ).toEqual([]);
  });
});
