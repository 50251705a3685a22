import type { Span } from '@tracing-demo/otlp';
import { CliError } from '../errors.js';
import { reachHint } from '../http.js';

/** The trace stores the CLI can read. */
export type TracesBackend = 'jaeger' | 'tempo';

export const TRACES_BACKENDS: readonly TracesBackend[] = ['jaeger', 'tempo'];

/** A backend's name in messages. */
export const BACKEND_NAMES: Record<TracesBackend, string> = { jaeger: 'Jaeger', tempo: 'Tempo' };

/**
 * Which traces to find, the same for every store. The conditions hold for one span of the trace
 * together (Jaeger's semantics, and one TraceQL spanset for Tempo): `service` and `error` find
 * traces with a failed span in that service.
 */
export interface TraceQuery {
  /** A span of this service (`service.name`). Without it, every service the store knows. */
  service?: string;
  /** A span of this name. */
  operation?: string;
  /** A span with status ERROR. */
  error?: boolean;
  /** A span at least / at most this long. */
  minDurationMs?: number;
  maxDurationMs?: number;
  /** A span with each of these attributes (values compared as text). */
  attributes?: Record<string, string>;
  /** Traces that started in this window; the hour before `end` (default now) when unset. */
  start?: Date;
  end?: Date;
  /** At most this many traces (default 20), the newest first. */
  limit?: number;
  /** A raw TraceQL query instead of the filters above: Tempo only. */
  traceql?: string;
}

/** One trace of a search result. */
export interface TraceSummary {
  traceId: string;
  /** Empty when the store has no root span for the trace (yet). */
  rootService: string;
  rootName: string;
  startMs: number;
  durationMs: number;
  /** Spans and failed spans in the trace, when the store says. */
  spanCount: number | undefined;
  errorCount: number | undefined;
}

/** A trace store's query API, the same for Jaeger and Tempo. */
export interface TraceStore {
  readonly backend: TracesBackend;
  /** The query API's base URL, without a trailing slash. */
  readonly url: string;
  /** Every span of one trace, normalized. Throws TraceNotFoundError when the store has none. */
  fetchTrace(traceId: string): Promise<Span[]>;
  /** Matching traces, newest first; none found is `[]`. */
  search(query: TraceQuery): Promise<TraceSummary[]>;
  /** The services the store has spans from, sorted. */
  services(): Promise<string[]>;
}

export const DEFAULT_SEARCH_LIMIT = 20;

/** The query's span conditions, as flags name them (TraceQL replaces them all). */
export function filtersOf(query: TraceQuery): string[] {
  return [
    query.service !== undefined ? '--service' : '',
    query.operation !== undefined ? '--operation' : '',
    query.error ? '--error' : '',
    query.minDurationMs !== undefined ? '--min-duration' : '',
    query.maxDurationMs !== undefined ? '--max-duration' : '',
    Object.keys(query.attributes ?? {}).length > 0 ? '--attr' : '',
  ].filter(Boolean);
}
const HOUR_MS = 3_600_000;

/**
 * The query's time window: its own, or the hour before its end. Throws TraceQueryError for a
 * query no span can match (an empty window, a minimum duration above the maximum).
 */
export function searchWindow(query: TraceQuery): { start: Date; end: Date } {
  const end = query.end ?? new Date();
  const start = query.start ?? new Date(end.getTime() - HOUR_MS);
  if (start.getTime() > end.getTime())
    throw new TraceQueryError(
      `the search window ends (${end.toISOString()}) before it starts (${start.toISOString()})`,
    );
  const { minDurationMs: min, maxDurationMs: max } = query;
  if (min !== undefined && max !== undefined && min > max)
    throw new TraceQueryError(
      `the minimum duration (${min} ms) is above the maximum (${max} ms): no span can match`,
    );
  return { start, end };
}

export const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** How `request` names a store when it does not answer. */
export const storeComponent = (backend: TracesBackend | undefined, baseUrl: string) => ({
  name: backend ? BACKEND_NAMES[backend] : 'the trace store',
  baseUrl,
  hint: reachHint(baseUrl, '--traces-url or TRACES_URL'),
});

/** A trace id as the stores take it: 32 lowercase hex digits (shorter ids are zero-padded). */
export function normalizeTraceId(traceId: string): string {
  const id = traceId.trim().toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(id) || /^0+$/.test(id))
    throw new CliError(`not a trace id: '${traceId}' (expected up to 32 hex digits)`, 2);
  return id.padStart(32, '0');
}

/** The store answered, but has no such trace. */
export class TraceNotFoundError extends CliError {
  readonly traceId: string;

  constructor(traceId: string, url: string, backend?: TracesBackend) {
    super(
      `trace ${traceId} not found in ${backend ? BACKEND_NAMES[backend] : 'the trace store'} at ` +
        `${url} (not sent yet, dropped by tail sampling, which keeps errors, slow traces and a ` +
        'share of the rest, or past retention)',
      1,
    );
    this.name = 'TraceNotFoundError';
    this.traceId = traceId;
  }
}

/** The store rejected a search, or the search asks what the store cannot answer. Exit 2. */
export class TraceQueryError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'TraceQueryError';
  }
}

/**
 * A whole trace summarized: its root (the span without a parent; none while the root has not
 * arrived), when it started, how long it ran from its first span's start to its last span's end,
 * its spans and failed spans.
 */
export function summarizeTrace(spans: readonly Span[]): TraceSummary {
  const root = spans.find((s) => s.parentSpanId === undefined);
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = Number.NEGATIVE_INFINITY;
  for (const span of spans) {
    startMs = Math.min(startMs, span.startMs);
    endMs = Math.max(endMs, span.endMs);
  }
  return {
    traceId: spans[0]?.traceId ?? '',
    rootService: root?.service ?? '',
    rootName: root?.name ?? '',
    startMs: spans.length > 0 ? startMs : 0,
    durationMs: spans.length > 0 ? Math.max(0, endMs - startMs) : 0,
    spanCount: spans.length,
    errorCount: spans.filter((s) => s.status.code === 'ERROR').length,
  };
}

/** Spans of several traces (in any order) as one summary per trace. */
export function summarizeTraces(spans: readonly Span[]): TraceSummary[] {
  const byTrace = new Map<string, Span[]>();
  for (const span of spans) {
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  return [...byTrace.values()].map(summarizeTrace);
}

/** Newest first, at most `limit`. */
export const newestFirst = (traces: TraceSummary[], limit: number) =>
  [...traces].sort((a, b) => b.startMs - a.startMs).slice(0, limit);
