import { readFileSync } from 'node:fs';
import { parser as traceql } from '@grafana/lezer-traceql';
import { repoPath } from '@tracing-demo/testkit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { promqlErrors, syntaxErrors } from '../support/promql.ts';
import { allQueries, substituteVariables } from './dashboard-queries.ts';

const queries = allQueries();
const promql = queries.filter((q) => q.datasourceUid === 'prometheus');
const tempo = queries.filter((q) => q.datasourceUid === 'tempo' && q.text !== '');

const traceqlErrors = (query: string) => syntaxErrors(traceql, query);

describe('dashboard queries parse', () => {
  it('there are PromQL and TraceQL queries to check', () => {
    expect(promql.length).toBeGreaterThan(20);
    expect(tempo.length).toBe(3);
  });

  it.each(promql.map((q) => [q.where, q.text]))('PromQL %s', (_where, text) => {
    expect(promqlErrors(substituteVariables(text))).toEqual([]);
  });

  it.each(tempo.map((q) => [q.where, q.text]))('TraceQL %s', (_where, text) => {
    expect(traceqlErrors(substituteVariables(text))).toEqual([]);
  });

  it('the parsers do reject broken queries (the checks above can fail)', () => {
    expect(promqlErrors('sum(rate(foo[1m])')).not.toEqual([]);
    expect(traceqlErrors('{ status = = }')).not.toEqual([]);
  });
});

describe('provisioned trace-to-metrics queries parse', () => {
  const file = parse(
    readFileSync(repoPath('grafana/provisioning/datasources/datasources.yaml'), 'utf8'),
  );
  const tempoSource = file.datasources.find((d: { uid: string }) => d.uid === 'tempo');
  const linked = tempoSource.jsonData.tracesToMetrics.queries as { name: string; query: string }[];

  it.each(linked.map((q) => [q.name, q.query]))('%s', (_name, query) => {
    // `$$` is Grafana's provisioning escape for a literal `$`.
    expect(promqlErrors(substituteVariables(query.replaceAll('$$', '$')))).toEqual([]);
  });
});
