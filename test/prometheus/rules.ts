import { readdirSync, readFileSync } from 'node:fs';
import { repoPath } from '@tracing-demo/platform';
import { parse } from 'yaml';

/** The project's Prometheus rules and promtool tests, parsed, for tests that check them. */

export interface Rule {
  file: string;
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const yamlFiles = (dir: string) =>
  readdirSync(repoPath(dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `${dir}/${f}`);

export const ruleFiles = () => yamlFiles('prometheus/rules');
export const ruleTestFiles = () => yamlFiles('prometheus/tests');

export function loadRules(): Rule[] {
  return ruleFiles().flatMap((file) => {
    const doc = parse(readFileSync(repoPath(file), 'utf8')) as { groups: { rules: Rule[] }[] };
    return doc.groups.flatMap((g) => g.rules.map((r) => ({ ...r, file })));
  });
}

interface AlertRuleTest {
  alertname: string;
  exp_alerts?: { exp_labels?: Record<string, string> }[];
}

/** Every alert_rule_test case across prometheus/tests/*.yaml. */
export function loadAlertTests(): AlertRuleTest[] {
  return ruleTestFiles().flatMap((file) => {
    const doc = parse(readFileSync(repoPath(file), 'utf8')) as {
      tests: { alert_rule_test?: AlertRuleTest[] }[];
    };
    return doc.tests.flatMap((t) => t.alert_rule_test ?? []);
  });
}

/** Lower-case, dash-separated alert name: the anchor of its section in docs/runbooks.md. */
export const runbookAnchor = (alert: string) =>
  alert
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
