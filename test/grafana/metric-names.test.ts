import { readFileSync } from 'node:fs';
import { repoPath } from '@tracing-demo/platform';
import { beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type EmittedSamples, emittedSamples, labelNames } from '../support/emitted-metrics.ts';
import { promqlNames } from '../support/promql.ts';
import { backendOf, promqlQueries, substituteVariables } from './dashboard-queries.ts';

/**
 * Every metric a dashboard queries, and every label it filters or groups by, is one the programs
 * that dashboard is installed with expose: the collector running collector/otel-collector.yaml
 * (healthy with errors in the traffic, with memory_limiter tripping, with the trace store
 * unreachable) for every dashboard, plus the real Jaeger for jaeger/*.json and Tempo for
 * tempo/*.json. Tempo's series are transcribed, not scraped (test/support/fixtures): for the Tempo
 * dashboards this catches a typo, not a name the deployed Tempo no longer has.
 * A renamed metric otherwise only shows up as an empty panel in production.
 */
const used = promqlQueries().map((q) => {
  const { selectors, labels } = promqlNames(substituteVariables(q.text as string));
  const metrics = new Set(selectors.map((s) => s.metric).filter((m) => m !== ''));
  const jobs = selectors.flatMap((s) =>
    s.matchers.filter((m) => m.label === 'job').map((m) => m.value),
  );
  return { where: q.where, backend: backendOf(q.file), metrics, labels, jobs };
});

/** Prometheus adds these to every scraped series; `job` is checked against prometheus.yml. */
const SCRAPE_LABELS = new Set(['job', 'instance']);
const scrapeJobs = new Set(
  (
    parse(readFileSync(repoPath('prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string }[];
    }
  ).scrape_configs.map((c) => c.job_name),
);

let samples: EmittedSamples;
beforeAll(async () => {
  samples = await emittedSamples();
}, 180_000);

/** metric name → label names, as seen by a dashboard installed with `backend`. */
const seenBy = (backend: keyof EmittedSamples | undefined) =>
  labelNames([...samples.collector, ...(backend ? samples[backend] : [])]);

it('every metric a dashboard queries is exposed by the programs it is installed with', () => {
  expect(used.length).toBeGreaterThan(20);
  for (const backend of ['jaeger', 'tempo'] as const) {
    expect(
      used.some((q) => q.backend === backend && q.metrics.size > 0),
      backend,
    ).toBe(true);
  }
  const missing = used.flatMap((q) => {
    const seen = seenBy(q.backend);
    return [...q.metrics].filter((name) => !seen.has(name)).map((name) => `${q.where}: ${name}`);
  });
  expect(missing).toEqual([]);
});

it('every label a query filters or groups by exists on a metric it selects', () => {
  const wrong: string[] = [];
  for (const query of used) {
    const seen = seenBy(query.backend);
    const available = new Set([...query.metrics].flatMap((name) => [...(seen.get(name) ?? [])]));
    for (const label of query.labels) {
      if (!available.has(label) && !SCRAPE_LABELS.has(label))
        wrong.push(`${query.where}: ${label}`);
    }
    for (const job of query.jobs)
      if (!scrapeJobs.has(job)) wrong.push(`${query.where}: job ${job}`);
  }
  expect(wrong).toEqual([]);
});
