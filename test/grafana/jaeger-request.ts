import { type Json, substituteVariables } from './dashboard-queries.ts';

/**
 * Grafana's Jaeger data source, as far as the dashboards use it: which target fields it reads and
 * the HTTP request it makes for each (its JaegerQuery model and its Jaeger client, grafana
 * pkg/tsdb/jaeger and public/app/plugins/datasource/jaeger), so the tests can check the generated
 * targets and run them against the real Jaeger. Grafana itself cannot run here (AGPL).
 */

/** The fields of the plugin's query model; anything else in a target is ignored by Grafana. */
const FIELDS = new Set([
  'refId',
  'hide',
  'datasource',
  'queryType',
  'service',
  'operation',
  'query',
  'tags',
  'minDuration',
  'maxDuration',
  'limit',
]);
/** Search, dependency graph; a missing queryType is a lookup by trace id (not used here). */
const QUERY_TYPES = new Set(['search', 'dependencyGraph']);
/** Go's time.ParseDuration, which Jaeger applies to minDuration/maxDuration. */
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** logfmt (`key=value key2="a b"`) as the plugin turns it into Jaeger's `tags` JSON. */
export function logfmtTags(tags: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  const pattern = /\s*([^\s="]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s"]*))\s*/y;
  let match = pattern.exec(tags);
  let end = 0;
  while (match) {
    pairs[match[1] as string] = match[2]?.replace(/\\(.)/g, '$1') ?? match[3] ?? '';
    end = pattern.lastIndex;
    match = pattern.exec(tags);
  }
  if (end !== tags.length) throw new Error(`not logfmt at ${end}: ${tags}`);
  return pairs;
}

/** What is wrong with a Jaeger target for Grafana's plugin (empty when nothing). */
export function jaegerTargetProblems(target: Json): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(target)) {
    if (!FIELDS.has(key)) problems.push(`unknown field ${key}`);
  }
  if (target.datasource?.type !== 'jaeger') problems.push('datasource is not a jaeger one');
  if (!QUERY_TYPES.has(target.queryType)) problems.push(`queryType ${target.queryType}`);
  if (target.queryType === 'search') {
    // The plugin refuses a search without a service ("You must select a service.").
    if (typeof target.service !== 'string' || target.service === '') problems.push('no service');
    for (const key of ['minDuration', 'maxDuration']) {
      const value = target[key];
      if (value !== undefined && !DURATION.test(substituteVariables(value))) {
        problems.push(`${key} ${value} is not a duration`);
      }
    }
    if (target.limit !== undefined && !(Number.isInteger(target.limit) && target.limit > 0)) {
      problems.push(`limit ${target.limit}`);
    }
    if (target.tags !== undefined) {
      try {
        if (Object.keys(logfmtTags(target.tags)).length === 0) problems.push('empty tags');
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  } else {
    for (const key of ['service', 'operation', 'tags', 'minDuration', 'maxDuration', 'limit']) {
      if (target[key] !== undefined) problems.push(`${key} on a ${target.queryType} query`);
    }
  }
  return problems;
}

/**
 * The URL Grafana requests from Jaeger's query service for a target over a time range, with the
 * dashboard variables substituted: /api/traces (times in microseconds, tags as JSON) for a
 * search, /api/dependencies (end and lookback in milliseconds) for the dependency graph.
 */
export function jaegerRequest(baseUrl: string, target: Json, range: { from: Date; to: Date }) {
  const from = range.from.getTime();
  const to = range.to.getTime();
  if (target.queryType === 'dependencyGraph') {
    const url = new URL('/api/dependencies', baseUrl);
    url.searchParams.set('endTs', String(to));
    url.searchParams.set('lookback', String(to - from));
    return url;
  }
  if (target.queryType !== 'search')
    throw new Error(`no request for queryType ${target.queryType}`);
  const url = new URL('/api/traces', baseUrl);
  if (target.limit > 0) url.searchParams.set('limit', String(target.limit));
  url.searchParams.set('start', String(from * 1000));
  url.searchParams.set('end', String(to * 1000));
  const tags = target.tags ? JSON.stringify(logfmtTags(substituteVariables(target.tags))) : '';
  const params: Record<string, string> = {
    service: substituteVariables(target.service ?? ''),
    operation: substituteVariables(target.operation ?? ''),
    tags,
    minDuration: substituteVariables(target.minDuration ?? ''),
    maxDuration: substituteVariables(target.maxDuration ?? ''),
  };
  for (const [key, value] of Object.entries(params)) {
    if (value !== '') url.searchParams.set(key, value);
  }
  return url;
}

export interface JaegerTrace {
  traceID: string;
  spans: { spanID: string; operationName: string; duration: number; tags: Json[] }[];
}

/** Runs a target against Jaeger: the traces a search found, or the dependency graph's edges. */
export async function runJaegerTarget(
  baseUrl: string,
  target: Json,
  range: { from: Date; to: Date },
): Promise<JaegerTrace[] | { parent: string; child: string; callCount: number }[]> {
  const url = jaegerRequest(baseUrl, target, range);
  const response = await fetch(url);
  const body = (await response.json()) as { data: Json[] | null; errors: Json[] | null };
  if (!response.ok || (body.errors?.length ?? 0) > 0) {
    throw new Error(`${url}: ${response.status} ${JSON.stringify(body.errors)}`);
  }
  return body.data ?? [];
}
