/**
 * Every query on every dashboard an install with Jaeger loads (grafana/dashboards/*.json and
 * jaeger/*.json) returns data from the running stack: PromQL from Prometheus, the Jaeger searches
 * and the dependency graph from Jaeger, sent as Grafana's Jaeger data source sends them. A panel
 * that shows "No data" on a healthy platform with traffic is a broken panel (a renamed metric, a
 * wrong label, a tag Jaeger does not index), which schema checks cannot see. The Tempo
 * dashboards' TraceQL is only parsed (test/grafana): Tempo cannot run here.
 */
import { waitFor } from '@tracing-demo/platform';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  allQueries,
  deployedDashboards,
  jaegerQueries,
  promqlQueries,
  substituteVariables,
} from '../grafana/dashboard-queries.ts';
import { runJaegerTarget } from '../grafana/jaeger-request.ts';
import { gatewayClient, inParallel, setFaults } from './support/client.ts';
import { query } from './support/prometheus.ts';

const stack = inject('stack');
const client = gatewayClient(stack.gateway, stack.collectorOtlpHttp);
const queries = allQueries(deployedDashboards('jaeger'));
const promql = promqlQueries(queries);
const jaeger = jaegerQueries(queries);

describe('dashboard queries against the running stack', () => {
  beforeAll(async () => {
    // Traffic of every kind the panels show: successes, failures and a slow one.
    await inParallel(Array.from({ length: 10 }), 2, () => client.loginAndOrder());
    await setFaults(stack.payment, { failureRate: 1 });
    await inParallel(Array.from({ length: 3 }), 1, () => client.loginAndOrder());
    await setFaults(stack.payment, { failureRate: 0, slowRate: 1, slowDelayMs: 1300 });
    await client.loginAndOrder().finally(() => setFaults(stack.payment, { slowRate: 0 }));
    // And a read of the store, as anyone opening the trace explorer makes: Jaeger counts its
    // reads (the pipeline health's "Jaeger store reads") from the first one on.
    const services = await fetch(new URL('/api/services', stack.jaeger));
    expect(services.status).toBe(200);
    await services.arrayBuffer();
  });

  it('there are queries to run, and every trace query is a Jaeger one', () => {
    expect(promql.length).toBeGreaterThan(20);
    expect(jaeger.length).toBeGreaterThan(0);
    expect(queries.filter((q) => !['prometheus', 'jaeger'].includes(q.datasourceType))).toEqual([]);
  });

  it.each(promql.map((q) => [q.where, q.text as string]))(
    'PromQL %s returns data',
    async (_where, text) => {
      const expr = substituteVariables(text);
      const samples = await waitFor(
        `data for ${expr}`,
        async () => {
          const result = await query(stack.prometheus, expr);
          return result.length > 0 && result;
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      ).catch(() => []);
      expect(samples, expr).not.toEqual([]);
    },
  );

  it.each(jaeger.map((q) => [q.where, q.target]))('Jaeger %s finds data', async (where, target) => {
    const found = await waitFor(
      `Jaeger data for ${where}`,
      async () => {
        const range = { from: new Date(Date.now() - 3_600_000), to: new Date() };
        const result = await runJaegerTarget(stack.jaeger, target, range);
        return result.length > 0 && result;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    ).catch(() => []);
    expect(found, JSON.stringify(target)).not.toEqual([]);
  });
});
