import { SpanKind } from '@tracing-demo/otlp';
import { type JaegerProcess, startJaeger, waitFor } from '@tracing-demo/platform';
import { type SyntheticSpan, sendSpans, syntheticTrace, TOPOLOGY } from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jaegerQueries } from './dashboard-queries.ts';
import {
  type JaegerTrace,
  jaegerRequest,
  jaegerTargetProblems,
  logfmtTags,
  runJaegerTarget,
} from './jaeger-request.ts';

/**
 * The Jaeger dashboards' trace queries, checked against the model of Grafana's Jaeger data source
 * and then run, as Grafana would send them, against the real Jaeger (jaeger/jaeger.yaml, badger)
 * holding a healthy, a failed and a slow trace: each finds what its panel promises and no more.
 * The e2e suite runs them again against the whole stack's Jaeger.
 */
const queries = jaegerQueries();
const byTitle = (title: string) => queries.filter((q) => q.where.includes(`"${title}"`));

describe('Jaeger targets', () => {
  it('there are searches and a dependency graph, all on Jaeger dashboards', () => {
    expect(queries.filter((q) => q.target.queryType === 'search').length).toBe(3);
    expect(queries.filter((q) => q.target.queryType === 'dependencyGraph').length).toBe(1);
    for (const query of queries) expect(query.file, query.where).toMatch(/^jaeger\//);
  });

  it.each(queries.map((q) => [q.where, q.target]))('%s fits the plugin', (_where, target) => {
    expect(jaegerTargetProblems(target)).toEqual([]);
  });

  it.each([
    ['an unknown field', { traceql: '{ }' }],
    ['a search without a service', { service: '' }],
    ['a malformed duration', { minDuration: '1 second' }],
    ['malformed tags', { tags: 'error' }],
    ['a zero limit', { limit: 0 }],
  ])('the check rejects %s', (_case, change) => {
    const [search] = byTitle('Slow traces');
    expect(jaegerTargetProblems({ ...search?.target, ...change })).not.toEqual([]);
  });

  it('reads logfmt tags as the plugin does', () => {
    expect(logfmtTags('error=true http.route="/api/orders x"')).toEqual({
      error: 'true',
      'http.route': '/api/orders x',
    });
    expect(() => logfmtTags('error')).toThrow();
  });
});

describe('Jaeger dashboard queries against the real Jaeger', () => {
  let jaeger: JaegerProcess;
  const range = () => ({
    from: new Date(Date.now() - 3_600_000),
    to: new Date(Date.now() + 60_000),
  });
  const healthy = syntheticTrace({ durationMs: 40 });
  // The request failed all the way up, as a payment failure does: every SERVER span is an error.
  const failed = syntheticTrace({ error: true, durationMs: 40 }).map(
    (span): SyntheticSpan => (span.kind === SpanKind.SERVER ? { ...span, error: true } : span),
  );
  const slow = syntheticTrace({ durationMs: 1_500 });
  const idOf = (trace: SyntheticSpan[]) => (trace[0] as SyntheticSpan).traceId;
  const run = async (title: string) => {
    const [query] = byTitle(title);
    return (await runJaegerTarget(jaeger.url, query?.target, range())) as JaegerTrace[];
  };

  beforeAll(async () => {
    jaeger = await startJaeger();
    expect(await sendSpans(jaeger.otlpHttpUrl, [...healthy, ...failed, ...slow])).toBe(200);
    // Stored once a search finds all three traces.
    await waitFor('Jaeger to store the traces', async () => {
      const found = (await run('Traces of $service')).map((t) => t.traceID);
      return [healthy, failed, slow].every((trace) => found.includes(idOf(trace)));
    });
  });
  afterAll(() => jaeger?.stop());

  it('sends the search Grafana sends', () => {
    const [query] = byTitle('Recent error traces');
    const url = jaegerRequest(jaeger.url, query?.target, {
      from: new Date(1_000),
      to: new Date(2_000),
    });
    expect(url.pathname).toBe('/api/traces');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      service: 'api-gateway',
      tags: '{"error":"true"}',
      limit: '20',
      start: '1000000',
      end: '2000000',
    });
  });

  it('"Recent error traces" finds the failed trace only', async () => {
    expect((await run('Recent error traces')).map((t) => t.traceID)).toEqual([idOf(failed)]);
  });

  it('"Slow traces" finds the slow trace only', async () => {
    expect((await run('Slow traces')).map((t) => t.traceID)).toEqual([idOf(slow)]);
  });

  it('"Traces of $service" finds every trace through the service', async () => {
    const found = (await run('Traces of $service')).map((t) => t.traceID).sort();
    expect(found).toEqual([healthy, failed, slow].map(idOf).sort());
  });

  it('"Service map" draws every edge of the traces', async () => {
    const [query] = byTitle('Service map');
    const edges = (await runJaegerTarget(jaeger.url, query?.target, range())) as {
      parent: string;
      child: string;
    }[];
    const pairs = edges.map((e) => [e.parent, e.child]);
    for (const edge of TOPOLOGY) expect(pairs).toContainEqual([...edge]);
  });
});
