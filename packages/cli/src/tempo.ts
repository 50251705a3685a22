import { CliError } from './errors.js';
import { bodySnippet, reachHint, request } from './http.js';
import { type OtlpTraceDocument, type Span, spansFromOtlp } from './span.js';

const tempo = (tempoUrl: string) => ({
  name: 'Tempo',
  baseUrl: tempoUrl,
  hint: reachHint(tempoUrl, '--tempo or TEMPO_URL'),
});

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** A trace id as Tempo stores it: 32 lowercase hex digits (shorter ids are zero-padded). */
export function normalizeTraceId(traceId: string): string {
  const id = traceId.trim().toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(id) || /^0+$/.test(id))
    throw new CliError(`not a trace id: '${traceId}' (expected up to 32 hex digits)`, 2);
  return id.padStart(32, '0');
}

/** Tempo answered, but has no such trace. */
export class TraceNotFoundError extends CliError {
  constructor(traceId: string, tempoUrl: string) {
    super(
      `trace ${traceId} not found in Tempo at ${tempoUrl} (not sent yet, dropped by tail ` +
        'sampling, which keeps errors, slow traces and a share of the rest, or past retention)',
      1,
    );
    this.name = 'TraceNotFoundError';
  }
}

/**
 * One trace by id from Tempo (`GET /api/traces/<id>`: OTLP JSON under `batches`, ids in base64),
 * normalized. Throws TraceNotFoundError for a 404 or an empty trace, UnreachableError when Tempo
 * does not answer, CliError for any other answer.
 */
export async function fetchTrace(tempoUrl: string, traceId: string): Promise<Span[]> {
  const base = trimSlash(tempoUrl);
  const id = normalizeTraceId(traceId);
  const response = await request(tempo(base), `${base}/api/traces/${id}`, {
    headers: { accept: 'application/json' },
  });
  if (response.status === 404) {
    await response.arrayBuffer();
    throw new TraceNotFoundError(id, base);
  }
  if (!response.ok)
    throw new CliError(`Tempo answered ${response.status}: ${await bodySnippet(response)}`);
  const spans = spansFromOtlp((await response.json()) as OtlpTraceDocument);
  if (spans.length === 0) throw new TraceNotFoundError(id, base);
  return spans;
}

/** One trace of a search result, as Tempo summarizes it. */
export interface TraceSummary {
  traceId: string;
  /** Empty when Tempo has not seen the root span (yet). */
  rootService: string;
  rootName: string;
  startMs: number;
  durationMs: number;
  /** Spans in the trace, from Tempo's per-service statistics, when it sends them. */
  spanCount: number | undefined;
  errorCount: number | undefined;
}

export interface SearchOptions {
  /** At most this many traces (Tempo's `limit`, default 20). */
  limit?: number;
  /** Only traces that started in this window (Tempo's `start`/`end`, in seconds). */
  start?: Date;
  end?: Date;
}

interface TempoSearchTrace {
  traceID: string;
  rootServiceName?: string;
  rootTraceName?: string;
  startTimeUnixNano?: string;
  durationMs?: number;
  serviceStats?: Record<string, { spanCount?: number; errorCount?: number }>;
}

/** Tempo rejected a search: the query (or a parameter) is wrong. Exit 2, with Tempo's words. */
export class TempoQueryError extends CliError {
  constructor(message: string) {
    super(`Tempo rejected the search: ${message}`, 2);
    this.name = 'TempoQueryError';
  }
}

/**
 * TraceQL search (`GET /api/search?q=…`), newest first. Throws TempoQueryError with Tempo's
 * message when Tempo refuses the query (400), UnreachableError when it does not answer.
 */
export async function searchTraces(
  tempoUrl: string,
  query: string,
  options: SearchOptions = {},
): Promise<TraceSummary[]> {
  const base = trimSlash(tempoUrl);
  const params = new URLSearchParams({ q: query, limit: String(options.limit ?? 20) });
  if (options.start) params.set('start', String(Math.floor(options.start.getTime() / 1000)));
  if (options.start || options.end)
    params.set('end', String(Math.ceil((options.end ?? new Date()).getTime() / 1000)));
  const response = await request(tempo(base), `${base}/api/search?${params}`, {
    headers: { accept: 'application/json' },
  });
  if (response.status === 400) throw new TempoQueryError(await bodySnippet(response, 1000));
  if (!response.ok)
    throw new CliError(`Tempo answered ${response.status}: ${await bodySnippet(response)}`);
  const body = (await response.json()) as { traces?: TempoSearchTrace[] };
  return (body.traces ?? [])
    .map((trace): TraceSummary => {
      const stats = trace.serviceStats ? Object.values(trace.serviceStats) : undefined;
      const sum = (pick: (s: { spanCount?: number; errorCount?: number }) => number | undefined) =>
        stats?.reduce((total, s) => total + (pick(s) ?? 0), 0);
      return {
        traceId: trace.traceID.padStart(32, '0'),
        rootService: trace.rootServiceName?.startsWith('<') ? '' : (trace.rootServiceName ?? ''),
        rootName: trace.rootTraceName ?? '',
        startMs: Number(BigInt(trace.startTimeUnixNano ?? 0) / 1_000_000n),
        durationMs: trace.durationMs ?? 0,
        spanCount: sum((s) => s.spanCount),
        errorCount: sum((s) => s.errorCount),
      };
    })
    .sort((a, b) => b.startMs - a.startMs);
}
