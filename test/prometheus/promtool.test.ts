import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { repoPath, toolPath } from '@tracing-demo/platform';
import { describe, expect, it } from 'vitest';
import { loadAlertTests, loadRules, ruleFiles, ruleTestFiles, runbookAnchor } from './rules.js';

const run = promisify(execFile);
const promtool = (...args: string[]) => run(toolPath('promtool'), args, { cwd: repoPath() });

describe('promtool', () => {
  it('accepts prometheus/prometheus.yml (and the rule files it globs)', async () => {
    const { stdout } = await promtool('check', 'config', 'prometheus/prometheus.yml');
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('accepts every rule file', async () => {
    await promtool('check', 'rules', ...ruleFiles());
  });

  it('passes every unit test in prometheus/tests', async () => {
    // promtool exits non-zero and prints got/exp per failed case; show that output on failure.
    const result = await promtool('test', 'rules', ...ruleTestFiles()).then(
      () => ({ code: 0, output: '' }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? 1,
        output: `${e.stdout}${e.stderr}`,
      }),
    );
    expect(result.code, result.output).toBe(0);
  });
});

describe('every alert', () => {
  const alerts = loadRules().filter((r) => r.alert);
  const cases = loadAlertTests();

  it.each(alerts.map((a) => [a.alert as string, a]))('%s is complete', (name, rule) => {
    expect(['page', 'ticket']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toBeTruthy();
    expect(rule.annotations?.description).toMatch(/\$labels|\$value/);
    expect(rule.annotations?.runbook_url).toBe(`docs/runbooks.md#${runbookAnchor(name)}`);
    // A promtool case where it fires and one where it stays quiet.
    const mine = cases.filter((c) => c.alertname === name);
    expect(
      mine.some((c) => (c.exp_alerts ?? []).length > 0),
      'a firing case',
    ).toBe(true);
    expect(
      mine.some((c) => (c.exp_alerts ?? []).length === 0),
      'a quiet case',
    ).toBe(true);
  });

  it('has a runbook section, and every section is an alert', () => {
    const runbooks = readFileSync(repoPath('docs/runbooks.md'), 'utf8');
    const anchors = [...runbooks.matchAll(/<a id="([a-z0-9-]+)"><\/a>\n## (\S+)/g)];
    expect(anchors.map(([, id]) => id).sort()).toEqual(
      alerts.map((a) => runbookAnchor(a.alert as string)).sort(),
    );
    for (const [, id, heading] of anchors) expect(runbookAnchor(heading as string)).toBe(id);
  });
});
