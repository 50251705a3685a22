import {
  type LegacyTrace,
  type OtlpTraceDocument,
  spansFromLegacy,
  spansFromOtlp,
} from '@tracing-demo/otlp';
import { CliError } from '../errors.js';
import { bodySnippet, request } from '../http.js';
import {
  DEFAULT_SEARCH_LIMIT,
  newestFirst,
  normalizeTraceId,
  searchWindow,
  storeComponent,
  summarizeTraces,
  TraceNotFoundError,
  type TraceQuery,
  TraceQueryError,
  type TraceStore,
  type TraceSummary,
  trimSlash,
} from './model.js';

/**
 * Jaeger v2's query service (`jaeger_query`, port 16686). Traces by id, services and searches
 * by service, operation, duration and time come from api/v3 (OTLP JSON, hex ids). Its HTTP
 * gateway ignores attribute filters, so a search for attributes or errors goes to the legacy
 * `/api/traces` with `tags`, which honours them.
 */
export function jaegerStore(url: string): TraceStore {
  const base = trimSlash(url);
  const component = storeComponent('jaeger', base);
  const get = (path: string, params?: URLSearchParams) =>
    request(component, `${base}${path}${params ? `?${params}` : ''}`, {
      headers: { accept: 'application/json' },
    });

  const services = async (): Promise<string[]> => {
    const response = await get('/api/v3/services');
    if (!response.ok) throw await failure(response);
    const body = await readJson<{ services?: string[] }>(response, base);
    return [...(body.services ?? [])].sort();
  };

  /** api/v3: whole traces flattened into one resourceSpans list; nothing found is a 404. */
  const searchV3 = async (service: string, query: TraceQuery, window: Window, limit: number) => {
    const { start, end } = window;
    const params = new URLSearchParams({
      'query.service_name': service,
      'query.start_time_min': start.toISOString(),
      'query.start_time_max': end.toISOString(),
      // The memory backend refuses a search without it.
      'query.num_traces': String(limit),
    });
    if (query.operation) params.set('query.operation_name', query.operation);
    if (query.minDurationMs !== undefined)
      params.set('query.duration_min', goDuration(query.minDurationMs));
    if (query.maxDurationMs !== undefined)
      params.set('query.duration_max', goDuration(query.maxDurationMs));
    const response = await get('/api/v3/traces', params);
    if (response.status === 404) {
      await response.arrayBuffer();
      return [];
    }
    if (!response.ok) throw await failure(response, 'search');
    return spansFromOtlp(await readJson<OtlpTraceDocument>(response, base));
  };

  /** The legacy API: the only HTTP search that filters on tags (span attributes, `error`). */
  const searchLegacy = async (
    service: string,
    query: TraceQuery,
    window: Window,
    limit: number,
  ) => {
    const { start, end } = window;
    const tags: Record<string, string> = { ...query.attributes };
    if (query.error) tags.error = 'true';
    const params = new URLSearchParams({
      service,
      start: String(start.getTime() * 1000),
      end: String(end.getTime() * 1000),
      limit: String(limit),
      tags: JSON.stringify(tags),
    });
    if (query.operation) params.set('operation', query.operation);
    if (query.minDurationMs !== undefined)
      params.set('minDuration', goDuration(query.minDurationMs));
    if (query.maxDurationMs !== undefined)
      params.set('maxDuration', goDuration(query.maxDurationMs));
    const response = await get('/api/traces', params);
    if (!response.ok) throw await failure(response, 'search');
    const body = await readJson<{ data?: LegacyTrace[] | null }>(response, base);
    return (body.data ?? []).flatMap(spansFromLegacy);
  };

  return {
    backend: 'jaeger',
    url: base,
    services,

    async fetchTrace(traceId) {
      const id = normalizeTraceId(traceId);
      const response = await get(`/api/v3/traces/${id}`);
      if (response.status === 404) {
        await response.arrayBuffer();
        throw new TraceNotFoundError(id, base, 'jaeger');
      }
      if (!response.ok) throw await failure(response);
      const spans = spansFromOtlp(await readJson<OtlpTraceDocument>(response, base));
      if (spans.length === 0) throw new TraceNotFoundError(id, base, 'jaeger');
      return spans;
    },

    async search(query): Promise<TraceSummary[]> {
      if (query.traceql !== undefined)
        throw new TraceQueryError(
          'Jaeger does not take TraceQL (that is Tempo): search with --service, --operation, ' +
            '--error, --min-duration, --max-duration and --attr instead',
        );
      const window = searchWindow(query);
      const limit = query.limit ?? DEFAULT_SEARCH_LIMIT;
      const legacy = query.error === true || Object.keys(query.attributes ?? {}).length > 0;
      // Jaeger searches within one service: without one, each service it knows.
      const names = query.service !== undefined ? [query.service] : await services();
      const found = await Promise.all(
        names.map((service) =>
          legacy
            ? searchLegacy(service, query, window, limit)
            : searchV3(service, query, window, limit),
        ),
      );
      // Each search returns whole traces; a trace found through two services is the same.
      const seen = new Set<string>();
      const traces = found.flatMap(summarizeTraces).filter((t) => {
        if (seen.has(t.traceId)) return false;
        seen.add(t.traceId);
        return true;
      });
      return newestFirst(traces, limit);
    },
  };
}

type Window = { start: Date; end: Date };

/** Milliseconds as a Go duration in whole microseconds (Jaeger's resolution). */
const goDuration = (ms: number) => `${Math.round(ms * 1000)}us`;

async function readJson<T>(response: Response, base: string): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CliError(
      `${base} answered ${response.status} with something other than JSON ` +
        `(${text.slice(0, 60).trim()}…): is it Jaeger's query API (port 16686)?`,
    );
  }
}

/**
 * Jaeger's error answers, `{"error":{"message"}}` (api/v3) or `{"errors":[{"msg"}]}` (legacy),
 * as a message; a 400 to a search is a query Jaeger rejects (exit 2).
 */
async function failure(response: Response, doing?: 'search'): Promise<CliError> {
  const body = await bodySnippet(response, 1000);
  let message = body;
  try {
    const parsed = JSON.parse(body) as {
      error?: { message?: string };
      errors?: { msg?: string }[] | null;
    };
    message = parsed.error?.message ?? parsed.errors?.[0]?.msg ?? body;
  } catch {}
  if (doing === 'search' && response.status === 400)
    return new TraceQueryError(`Jaeger rejected the search: ${message}`);
  return new CliError(`Jaeger answered ${response.status}: ${message}`);
}
