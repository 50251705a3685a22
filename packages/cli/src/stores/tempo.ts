import { type OtlpTraceDocument, spansFromOtlp } from '@tracing-demo/otlp';
import { CliError } from '../errors.js';
import { bodySnippet, request } from '../http.js';
import {
  DEFAULT_SEARCH_LIMIT,
  filtersOf,
  newestFirst,
  normalizeTraceId,
  searchWindow,
  storeComponent,
  TraceNotFoundError,
  type TraceQuery,
  TraceQueryError,
  type TraceStore,
  type TraceSummary,
  trimSlash,
} from './model.js';

interface TempoSearchTrace {
  traceID: string;
  rootServiceName?: string;
  rootTraceName?: string;
  startTimeUnixNano?: string;
  durationMs?: number;
  serviceStats?: Record<string, { spanCount?: number; errorCount?: number }>;
}

/**
 * Tempo's HTTP API (port 3200): traces by id from `/api/traces/<id>` (OTLP JSON under `batches`,
 * base64 ids), searches with TraceQL on `/api/search`, services from the v2 tag values of
 * `resource.service.name`.
 */
export function tempoStore(url: string): TraceStore {
  const base = trimSlash(url);
  const component = storeComponent('tempo', base);
  const get = (path: string) =>
    request(component, `${base}${path}`, { headers: { accept: 'application/json' } });

  return {
    backend: 'tempo',
    url: base,

    async fetchTrace(traceId) {
      const id = normalizeTraceId(traceId);
      const response = await get(`/api/traces/${id}`);
      if (response.status === 404) {
        await response.arrayBuffer();
        throw new TraceNotFoundError(id, base, 'tempo');
      }
      if (!response.ok)
        throw new CliError(`Tempo answered ${response.status}: ${await bodySnippet(response)}`);
      const spans = spansFromOtlp((await response.json()) as OtlpTraceDocument);
      if (spans.length === 0) throw new TraceNotFoundError(id, base, 'tempo');
      return spans;
    },

    async search(query): Promise<TraceSummary[]> {
      const filters = filtersOf(query);
      if (query.traceql !== undefined && filters.length > 0)
        throw new TraceQueryError(
          `a TraceQL query says everything itself: put ${filters.join(', ')} into it instead`,
        );
      const limit = query.limit ?? DEFAULT_SEARCH_LIMIT;
      const { start, end } = searchWindow(query);
      const params = new URLSearchParams({
        q: query.traceql ?? traceqlFor(query),
        limit: String(limit),
        start: String(Math.floor(start.getTime() / 1000)),
        end: String(Math.ceil(end.getTime() / 1000)),
      });
      const response = await get(`/api/search?${params}`);
      if (response.status === 400)
        throw new TraceQueryError(
          `Tempo rejected the search: ${await bodySnippet(response, 1000)}`,
        );
      if (!response.ok)
        throw new CliError(`Tempo answered ${response.status}: ${await bodySnippet(response)}`);
      const body = (await response.json()) as { traces?: TempoSearchTrace[] };
      return newestFirst((body.traces ?? []).map(summaryOf), limit);
    },

    async services() {
      const response = await get('/api/v2/search/tag/resource.service.name/values');
      if (!response.ok)
        throw new CliError(`Tempo answered ${response.status}: ${await bodySnippet(response)}`);
      const body = (await response.json()) as { tagValues?: { value?: string }[] };
      return (body.tagValues ?? [])
        .map((v) => v.value ?? '')
        .filter(Boolean)
        .sort();
    },
  };
}

/** Tempo's summary of a trace; its per-service statistics give the span and error counts. */
function summaryOf(trace: TempoSearchTrace): TraceSummary {
  const stats = trace.serviceStats ? Object.values(trace.serviceStats) : undefined;
  const sum = (pick: (s: { spanCount?: number; errorCount?: number }) => number | undefined) =>
    stats?.reduce((total, s) => total + (pick(s) ?? 0), 0);
  return {
    // Tempo drops an id's leading zeros.
    traceId: trace.traceID.padStart(32, '0'),
    // `<root span not yet received>` when the root has not arrived.
    rootService: trace.rootServiceName?.startsWith('<') ? '' : (trace.rootServiceName ?? ''),
    rootName: trace.rootTraceName ?? '',
    startMs: Number(BigInt(trace.startTimeUnixNano ?? 0) / 1_000_000n),
    durationMs: trace.durationMs ?? 0,
    spanCount: sum((s) => s.spanCount),
    errorCount: sum((s) => s.errorCount),
  };
}

const quote = (text: string) => JSON.stringify(text);

/** An attribute on the span or its resource: `.http.route`, or `."odd key"`. */
const attributeRef = (key: string) => (/^[\w.-]+$/.test(key) ? `.${key}` : `.${quote(key)}`);

/**
 * The query's filters as one TraceQL spanset, so they hold for one span together:
 * `{ resource.service.name = "order-service" && status = error && .http.route = "/orders" }`.
 * A value that reads as a number or a boolean also matches an attribute of that type, as
 * Jaeger's text comparison does.
 */
export function traceqlFor(query: TraceQuery): string {
  const conditions: string[] = [];
  if (query.service !== undefined)
    conditions.push(`resource.service.name = ${quote(query.service)}`);
  if (query.operation !== undefined) conditions.push(`name = ${quote(query.operation)}`);
  if (query.error) conditions.push('status = error');
  if (query.minDurationMs !== undefined)
    conditions.push(`duration >= ${traceqlDuration(query.minDurationMs)}`);
  if (query.maxDurationMs !== undefined)
    conditions.push(`duration <= ${traceqlDuration(query.maxDurationMs)}`);
  for (const [key, value] of Object.entries(query.attributes ?? {})) {
    const ref = attributeRef(key);
    const text = `${ref} = ${quote(value)}`;
    const typed = /^-?\d+(\.\d+)?$/.test(value) || value === 'true' || value === 'false';
    conditions.push(typed ? `(${text} || ${ref} = ${value})` : text);
  }
  return conditions.length === 0 ? '{}' : `{ ${conditions.join(' && ')} }`;
}

/** Whole milliseconds as `250ms`, anything finer in microseconds. */
const traceqlDuration = (ms: number) =>
  Number.isInteger(ms) ? `${ms}ms` : `${Math.round(ms * 1000)}us`;
