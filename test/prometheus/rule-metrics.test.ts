import { readFileSync } from 'node:fs';
import { repoPath, type Sample } from '@tracing-demo/testkit';
import { beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { emittedSamples, prometheusNames } from '../support/emitted-metrics.ts';
import { promqlNames, type Selector } from '../support/promql.ts';
import { loadRules } from './rules.js';

/**
 * A rule over a metric nobody emits never fires and never errors, so a typo (a `_total` the
 * collector does not add, a wrong span_kind value) would silently disable an alert. Every
 * selector in the rules must name a series the real collector, Tempo or Prometheus exposes,
 * with label values that really occur.
 */
const rules = loadRules();
const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
const selectors: Selector[] = rules
  .flatMap((r) => promqlNames(r.expr).selectors)
  .filter((s) => !recorded.has(s.metric));

// job and instance come from the scrape, not from the programs: check job against the jobs of
// prometheus/prometheus.yml instead.
const jobs = new Set(
  (
    parse(readFileSync(repoPath('prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string }[];
    }
  ).scrape_configs.map((c) => c.job_name),
);

let samples: Sample[];
let prometheus: Set<string>;
beforeAll(async () => {
  [samples, prometheus] = await Promise.all([emittedSamples(), prometheusNames()]);
}, 180_000);

it('parses every rule expression and finds the metrics it reads', () => {
  expect(selectors.length).toBeGreaterThan(10);
  expect(selectors.every((s) => s.metric !== '')).toBe(true);
});

it('uses only metric names the collector, Tempo or Prometheus really expose', () => {
  const exposed = new Set([...samples.map((s) => s.name), ...prometheus]);
  const missing = [...new Set(selectors.map((s) => s.metric))].filter((m) => !exposed.has(m));
  expect(missing).toEqual([]);
});

it('matches label values that really occur', () => {
  const wrong: string[] = [];
  for (const { metric, matchers } of selectors) {
    for (const { label, op, value } of matchers) {
      if (label === 'job') {
        const names = op === '=~' ? value.split('|') : [value];
        for (const job of names) if (!jobs.has(job)) wrong.push(`${metric}{job="${job}"}`);
        continue;
      }
      if (op !== '=') continue;
      const found = samples.some((s) => s.name === metric && s.labels[label] === value);
      if (!found) wrong.push(`${metric}{${label}="${value}"}`);
    }
  }
  expect(wrong).toEqual([]);
});
