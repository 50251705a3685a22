import { readFileSync } from 'node:fs';
import { parser as traceql } from '@grafana/lezer-traceql';
import { repoPath } from '@tracing-demo/platform';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { promqlErrors, syntaxErrors } from '../support/promql.ts';
import {
  allQueries,
  BACKENDS,
  promqlQueries,
  substituteVariables,
  traceqlQueries,
} from './dashboard-queries.ts';

/**
 * Every dashboard query parses with the real grammar of its language. TraceQL (the Tempo
 * dashboards) is only parsed: Tempo cannot run here, so nothing executes it. The Jaeger
 * dashboards' queries are structured targets, checked and run against the real Jaeger in
 * jaeger-queries.test.ts.
 */
const queries = allQueries();
const promql = promqlQueries(queries);
const tempo = traceqlQueries(queries);

const traceqlErrors = (query: string) => syntaxErrors(traceql, query);

describe('dashboard queries parse', () => {
  it('there are PromQL and TraceQL queries to check', () => {
    expect(promql.length).toBeGreaterThan(20);
    expect(tempo.length).toBe(3);
    for (const query of tempo) expect(query.file, query.where).toMatch(/^tempo\//);
  });

  it('every query names its data source', () => {
    const types = new Set(queries.map((q) => q.datasourceType));
    expect([...types].sort()).toEqual(['jaeger', 'prometheus', 'tempo']);
  });

  it.each(promql.map((q) => [q.where, q.text as string]))('PromQL %s', (_where, text) => {
    expect(promqlErrors(substituteVariables(text))).toEqual([]);
  });

  it.each(tempo.map((q) => [q.where, q.text as string]))('TraceQL %s', (_where, text) => {
    expect(traceqlErrors(substituteVariables(text))).toEqual([]);
  });

  it('the parsers do reject broken queries (the checks above can fail)', () => {
    expect(promqlErrors('sum(rate(foo[1m])')).not.toEqual([]);
    expect(traceqlErrors('{ status = = }')).not.toEqual([]);
  });
});

describe.each(BACKENDS)('provisioned trace-to-metrics queries of %s parse', (backend) => {
  const file = parse(
    readFileSync(repoPath(`grafana/provisioning/datasources/${backend}.yaml`), 'utf8'),
  );
  const store = file.datasources.find((d: { uid: string }) => d.uid === 'traces');
  const linked = store.jsonData.tracesToMetrics.queries as { name: string; query: string }[];

  it.each(linked.map((q) => [q.name, q.query]))('%s', (_name, query) => {
    // `$$` is Grafana's provisioning escape for a literal `$`.
    expect(promqlErrors(substituteVariables(query.replaceAll('$$', '$')))).toEqual([]);
  });
});
