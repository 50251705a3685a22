/**
 * Every query on every generated dashboard returns data from the running stack: PromQL from
 * Prometheus, TraceQL from Tempo. A panel that shows "No data" on a healthy platform with
 * traffic is a broken panel (a renamed metric, a wrong label), which schema checks cannot see.
 */
import { searchTraces } from '@tracing-demo/cli';
import { waitFor } from '@tracing-demo/testkit';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { allQueries, substituteVariables } from '../grafana/dashboard-queries.ts';
import { gatewayClient, inParallel, setFaults } from './support/client.ts';
import { query } from './support/prometheus.ts';

const stack = inject('stack');
const client = gatewayClient(stack.gateway, stack.collectorOtlpHttp);
const queries = allQueries();
const promql = queries.filter((q) => q.datasourceUid === 'prometheus');
const traceql = queries.filter((q) => q.datasourceUid === 'tempo' && q.text !== '');

describe('dashboard queries against the running stack', () => {
  beforeAll(async () => {
    // Traffic of every kind the panels show: successes, failures and a slow one.
    await inParallel(Array.from({ length: 10 }), 2, () => client.loginAndOrder());
    await setFaults(stack.payment, { failureRate: 1 });
    await inParallel(Array.from({ length: 3 }), 1, () => client.loginAndOrder());
    await setFaults(stack.payment, { failureRate: 0, slowRate: 1, slowDelayMs: 1300 });
    await client.loginAndOrder().finally(() => setFaults(stack.payment, { slowRate: 0 }));
  });

  it('there are queries to run', () => {
    expect(promql.length).toBeGreaterThan(20);
    expect(traceql.length).toBeGreaterThan(0);
  });

  it.each(promql.map((q) => [q.where, q.text]))('PromQL %s returns data', async (_where, text) => {
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
  });

  it.each(traceql.map((q) => [q.where, q.text]))(
    'TraceQL %s finds traces',
    async (_where, text) => {
      const traceQuery = substituteVariables(text);
      const traces = await waitFor(
        `traces for ${traceQuery}`,
        async () => {
          const found = await searchTraces(stack.tempo, traceQuery, {
            limit: 5,
            start: new Date(Date.now() - 3_600_000),
          });
          return found.length > 0 && found;
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      ).catch(() => []);
      expect(traces, traceQuery).not.toEqual([]);
    },
  );
});
