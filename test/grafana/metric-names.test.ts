import { beforeAll, expect, it } from 'vitest';
import { emittedSamples, labelNames } from '../support/emitted-metrics.ts';
import { promqlNames } from '../support/promql.ts';
import { allQueries, substituteVariables } from './dashboard-queries.ts';

/**
 * Every metric a dashboard queries, and every label it filters or groups by, is one the real
 * components expose: the collector running collector/otel-collector.yaml (healthy with errors in
 * the traffic, with memory_limiter tripping, with Tempo unreachable) and the real Tempo.
 * A renamed metric otherwise only shows up as an empty panel in production.
 */
const used = allQueries()
  .filter((q) => q.datasourceUid === 'prometheus')
  .map((q) => {
    const { selectors, labels } = promqlNames(substituteVariables(q.text));
    const metrics = new Set(selectors.map((s) => s.metric).filter((m) => m !== ''));
    return { where: q.where, metrics, labels };
  });
const usedMetrics = new Set(used.flatMap((q) => [...q.metrics]));

/** metric name → label names seen on it. */
let seen: Map<string, Set<string>>;
beforeAll(async () => {
  seen = labelNames(await emittedSamples());
}, 180_000);

it('every metric a dashboard queries is exposed by the collector or Tempo', () => {
  expect(usedMetrics.size).toBeGreaterThan(10);
  const missing = [...usedMetrics].filter((name) => !seen.has(name)).sort();
  expect(missing).toEqual([]);
});

it('every label a query filters or groups by exists on a metric it selects', () => {
  const wrong: string[] = [];
  for (const query of used) {
    const available = new Set([...query.metrics].flatMap((name) => [...(seen.get(name) ?? [])]));
    for (const label of query.labels) {
      if (!available.has(label)) wrong.push(`${query.where}: ${label}`);
    }
  }
  expect(wrong).toEqual([]);
});
