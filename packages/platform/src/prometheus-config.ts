/**
 * prometheus/prometheus.yml with what a running stack decides: where the scrape targets are
 * (the chart does the same with its Services), which trace store runs (the other store's job
 * and rule file are left out, as the chart does), the global intervals, and the values of the
 * rules' parameter series (e.g. `slo:objective:ratio`). Nothing else changes: the job names,
 * the rules and the alerts are the source files'.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { repoPath } from './tools.js';

const source = repoPath('prometheus');

interface RuleFile {
  groups: { name: string; rules: { record?: string; expr: string }[] }[];
}

/** The trace stores prometheus.yml has a job and prometheus/rules a file for, each by its name. */
export const TRACE_STORES = ['jaeger', 'tempo'] as const;
export type TraceStoreName = (typeof TRACE_STORES)[number];

export interface PrometheusSettings {
  /** The trace store that runs: its job and rules/<store>.yaml stay, the other store's go. */
  traceStore: TraceStoreName;
  /** job name → host:port; every job that stays in prometheus.yml must be given one. */
  targets: Record<string, string>;
  scrapeInterval?: string;
  evaluationInterval?: string;
  /** record name → value, for rules defined as `vector(<number>)`. */
  ruleParameters?: Record<string, number>;
}

/** Writes the derived prometheus.yml (and changed rule files) into `dir`; returns its path. */
export function prometheusConfig(dir: string, settings: PrometheusSettings): string {
  const config = parse(readFileSync(join(source, 'prometheus.yml'), 'utf8'));
  const notDeployed = new Set<string>(TRACE_STORES.filter((s) => s !== settings.traceStore));
  config.scrape_configs = config.scrape_configs.filter(
    (job: { job_name: string }) => !notDeployed.has(job.job_name),
  );
  const jobs = new Set(config.scrape_configs.map((job: { job_name: string }) => job.job_name));
  for (const name of Object.keys(settings.targets)) {
    if (!jobs.has(name)) throw new Error(`prometheus/prometheus.yml has no job '${name}'`);
  }
  for (const job of config.scrape_configs) {
    const target = settings.targets[job.job_name];
    if (!target) throw new Error(`no target given for Prometheus job '${job.job_name}'`);
    job.static_configs = [{ targets: [target] }];
  }
  if (settings.scrapeInterval) config.global.scrape_interval = settings.scrapeInterval;
  if (settings.evaluationInterval) config.global.evaluation_interval = settings.evaluationInterval;
  config.rule_files = ruleFiles(
    dir,
    settings.traceStore,
    notDeployed,
    settings.ruleParameters ?? {},
  );
  const path = join(dir, 'prometheus.yml');
  writeFileSync(path, stringify(config));
  return path;
}

function ruleFiles(
  dir: string,
  traceStore: TraceStoreName,
  notDeployed: Set<string>,
  parameters: Record<string, number>,
): string[] {
  const unused = new Set(Object.keys(parameters));
  const names = readdirSync(join(source, 'rules')).filter(
    (name) => name.endsWith('.yaml') && !notDeployed.has(name.slice(0, -'.yaml'.length)),
  );
  const storeRules = `${traceStore}.yaml`;
  if (!names.includes(storeRules)) throw new Error(`prometheus/rules has no ${storeRules}`);
  const files = names.map((name) => {
    const path = join(source, 'rules', name);
    const rules: RuleFile = parse(readFileSync(path, 'utf8'));
    let changed = false;
    for (const rule of rules.groups.flatMap((group) => group.rules)) {
      const value = rule.record === undefined ? undefined : parameters[rule.record];
      if (value === undefined || rule.record === undefined) continue;
      if (!/^vector\([0-9.e+-]+\)$/.test(rule.expr.trim())) {
        throw new Error(`rule ${rule.record} in ${name} is not a parameter (vector(<number>))`);
      }
      rule.expr = `vector(${value})`;
      unused.delete(rule.record);
      changed = true;
    }
    if (!changed) return path;
    const derived = join(dir, `rules-${name}`);
    writeFileSync(derived, stringify(rules));
    return derived;
  });
  if (unused.size > 0) throw new Error(`no such rule parameter: ${[...unused].join(', ')}`);
  return files;
}
