import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Sample } from '@tracing-demo/otlp';
import { repoPath } from '@tracing-demo/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type EmittedSamples,
  emittedSamples,
  prometheusNames,
} from '../support/emitted-metrics.ts';
import { promqlNames, type Selector } from '../support/promql.ts';
import { loadRules, type Rule } from './rules.js';

/**
 * A rule over a metric nobody emits never fires and never errors, so a typo (a `_total` the
 * collector does not add, a wrong span_kind value) would silently disable an alert. Every
 * selector in the rules must name a series that the program the rule file watches really
 * exposes, with label values that really occur: the real collector and Prometheus for the
 * pipeline rules, the real Jaeger for rules/jaeger.yaml. rules/tempo.yaml is checked only
 * against Tempo's series as transcribed in test/support/fixtures (Tempo cannot run here): a typo
 * is caught, but not a name the deployed Tempo no longer exposes.
 */
const STORES = ['jaeger', 'tempo'] as const;
type Source = keyof EmittedSamples;

/** The store a rule file watches (rules/<store>.yaml), or the collector for the others. */
const sourceOf = (file: string): Source =>
  (STORES as readonly string[]).includes(basename(file, '.yaml'))
    ? (basename(file, '.yaml') as Source)
    : 'collector';

const rules = loadRules();
const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
const selectorsOf = (rule: Rule): Selector[] =>
  promqlNames(rule.expr).selectors.filter((s) => !recorded.has(s.metric));
const selectors = rules.flatMap((rule) =>
  selectorsOf(rule).map((selector) => ({ ...selector, source: sourceOf(rule.file) })),
);

// job and instance come from the scrape, not from the programs: check job against the jobs of
// prometheus/prometheus.yml instead.
const jobs = new Set(
  (
    parse(readFileSync(repoPath('prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string }[];
    }
  ).scrape_configs.map((c) => c.job_name),
);
const jobsOf = (selector: Selector) =>
  selector.matchers
    .filter((m) => m.label === 'job')
    .flatMap((m) => (m.op === '=~' ? m.value.split('|') : [m.value]));

let samples: EmittedSamples;
let prometheus: Set<string>;
beforeAll(async () => {
  [samples, prometheus] = await Promise.all([emittedSamples(), prometheusNames()]);
}, 180_000);

it('parses every rule expression and finds the metrics it reads', () => {
  expect(selectors.length).toBeGreaterThan(10);
  expect(selectors.every((s) => s.metric !== '')).toBe(true);
  for (const store of STORES)
    expect(
      selectors.some((s) => s.source === store),
      store,
    ).toBe(true);
});

it('uses only metric names the program it watches (or Prometheus) really exposes', () => {
  const missing = selectors
    .filter(({ metric, source }) => {
      const exposed = (samples[source] as Sample[]).some((s) => s.name === metric);
      return !exposed && !prometheus.has(metric);
    })
    .map(({ metric, source }) => `${source}: ${metric}`);
  expect([...new Set(missing)]).toEqual([]);
});

it('matches label values that really occur', () => {
  const wrong: string[] = [];
  for (const { metric, matchers, source } of selectors) {
    for (const { label, op, value } of matchers) {
      if (label === 'job') {
        const names = op === '=~' ? value.split('|') : [value];
        for (const job of names) if (!jobs.has(job)) wrong.push(`${metric}{job="${job}"}`);
        continue;
      }
      if (op !== '=') continue;
      const found = samples[source].some((s) => s.name === metric && s.labels[label] === value);
      if (!found) wrong.push(`${source}: ${metric}{${label}="${value}"}`);
    }
  }
  expect(wrong).toEqual([]);
});

describe('one rule file per trace store', () => {
  it.each(STORES)('rules/%s.yaml watches only its own job', (store) => {
    const mine = selectors.filter((s) => s.source === store && s.metric === 'up');
    expect(mine.length).toBeGreaterThan(0);
    for (const selector of selectors.filter((s) => s.source === store)) {
      const named = jobsOf(selector);
      // Every selector names the store's job, except series only the store exposes.
      if (named.length > 0) expect(named, selector.metric).toEqual([store]);
    }
  });

  it('no other rule file matches a trace store job or metric', () => {
    const others = selectors.filter((s) => s.source === 'collector');
    const storeSpecific = others.filter(
      (s) =>
        jobsOf(s).some((job) => (STORES as readonly string[]).includes(job)) ||
        STORES.some((store) => s.metric.startsWith(`${store}_`)),
    );
    expect(storeSpecific.map((s) => s.metric)).toEqual([]);
  });
});
