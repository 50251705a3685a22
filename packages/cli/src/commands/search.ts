import { parseCommandLine, parseDuration, parsePositiveInt, parseTime } from '../args.js';
import type { Command } from '../command.js';
import { endpointHelp, resolveTraceStore } from '../endpoints.js';
import { CliError, UsageError } from '../errors.js';
import { formatMs, formatTimestamp, plural } from '../format.js';
import { outputWidth, wantsColor } from '../io.js';
import {
  BACKEND_NAMES,
  connectTraceStore,
  type TraceQuery,
  type TraceSummary,
} from '../stores/index.js';
import { createStyle } from '../style.js';
import { renderTable } from '../table.js';

const usage = `Usage: tracing-demo search [filters] [options]

Finds traces in the trace store (Jaeger or Tempo) and lists them, newest first: trace id, root
service and span, start time, duration, span and error counts. The filters hold for one span of
the trace together: --service payment-service --error finds traces with a failed span in
payment-service.

  tracing-demo search --error --since 15m
  tracing-demo search --service order-service --min-duration 1s
  tracing-demo search --attr http.route=/api/orders --attr app.tenant=acme --limit 5
  tracing-demo search --traceql '{ span.http.route = "/api/orders" && duration > 1s }'   # Tempo

Filters:
  --service NAME        a span of this service (without it: every service the store knows)
  --operation NAME      a span of this name, e.g. 'POST /api/orders'
  --error               a span whose status is ERROR
  --min-duration D      a span at least this long: 250ms, 1s, 1m
  --max-duration D      a span at most this long
  --attr KEY=VALUE      a span (or its resource) with this attribute; repeat for more
  --traceql QUERY       Tempo only: a TraceQL query instead of the filters above

Time and size:
  --since D             traces that started in the last D: 90s, 15m, 1h, 2d (default 1h)
  --start TIME          ... or from TIME (2026-12-07T10:00:00Z, or local 2026-12-07 10:00)
  --end TIME            ... until TIME (default now; with --since, the D before it)
  --limit N             at most N traces (default 20)

Options:
  --traces-url URL      the trace store's query API (default http://127.0.0.1:16686)
  --traces-backend B    jaeger or tempo (default: detected from the store's answers)
  --width N             lay out in N columns (default: the terminal's, or 100)
  -h, --help            this help

Jaeger: attribute and error filters go through its legacy API (api/v3 over HTTP ignores them);
it searches one service at a time, so without --service each service is searched. Tempo: the
filters become one TraceQL spanset; it stops at the first N matches, which are not necessarily
the newest, and lists a trace once no new span arrived for it for a while (10 s by default).
\`tracing-demo trace <id>\` finds a trace at once in either.

Exit status: 0 listed, 1 nothing matched or the store unreachable, 2 bad arguments or a query
the store rejects.

Endpoints (flag > environment > default):
${endpointHelp(['traces'])}
`;

export function renderSearch(
  traces: TraceSummary[],
  options: { width: number; color: boolean },
): string {
  const style = createStyle(options.color);
  // Today's traces need no date: the table then fits 100 columns without cutting span names.
  const today = new Date().toDateString();
  const allToday = traces.every((t) => new Date(t.startMs).toDateString() === today);
  const start = (ms: number) => (allToday ? formatTimestamp(ms).slice(11) : formatTimestamp(ms));
  const rows = traces.map((t) => [
    t.traceId,
    t.rootService || '<root not yet received>',
    t.rootName,
    start(t.startMs),
    formatMs(t.durationMs),
    t.spanCount === undefined ? '' : String(t.spanCount),
    t.errorCount === undefined ? '' : String(t.errorCount),
  ]);
  return renderTable(
    [
      { header: 'TRACE ID' },
      { header: 'SERVICE' },
      { header: 'ROOT SPAN', flexible: true },
      { header: 'START' },
      { header: 'DURATION', align: 'right' },
      { header: 'SPANS', align: 'right' },
      { header: 'ERRORS', align: 'right' },
    ],
    rows,
    options.width,
    (row, column, text) => {
      const trace = traces[row] as TraceSummary;
      if (column === 1) return trace.rootService ? style.service(text) : style.dim(text);
      if (column === 6 && (trace.errorCount ?? 0) > 0) return style.red(text);
      return text;
    },
  );
}

/** `--attr key=value` flags as one map; a key twice or no `=` is a UsageError. */
function parseAttributes(values: string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of values) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--attr wants KEY=VALUE, not '${pair}'`, usage);
    const key = pair.slice(0, at).trim();
    if (key in attributes) throw new UsageError(`--attr ${key} given twice`, usage);
    attributes[key] = pair.slice(at + 1);
  }
  return attributes;
}

/** The query's filters in words, for "no traces matched …"; empty without filters. */
export function describeQuery(query: TraceQuery): string {
  if (query.traceql !== undefined) return query.traceql;
  const parts = [
    query.service !== undefined ? `service=${query.service}` : '',
    query.operation !== undefined ? `operation=${query.operation}` : '',
    query.error ? 'error' : '',
    query.minDurationMs !== undefined ? `duration>=${formatMs(query.minDurationMs)}` : '',
    query.maxDurationMs !== undefined ? `duration<=${formatMs(query.maxDurationMs)}` : '',
    ...Object.entries(query.attributes ?? {}).map(([k, v]) => `${k}=${v}`),
  ].filter(Boolean);
  return parts.join(', ');
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'find traces by service, operation, error, duration or attribute (TraceQL for Tempo)',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        service: { type: 'string' },
        operation: { type: 'string' },
        error: { type: 'boolean' },
        'min-duration': { type: 'string' },
        'max-duration': { type: 'string' },
        attr: { type: 'string', multiple: true },
        traceql: { type: 'string' },
        since: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
        limit: { type: 'string' },
        'traces-url': { type: 'string' },
        'traces-backend': { type: 'string' },
        width: { type: 'string' },
      },
      usage,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(
        positionals[0]?.trim().startsWith('{')
          ? `a TraceQL query goes in --traceql (Tempo only), not '${positionals.join(' ')}'`
          : `search takes filters (--service, --operation, --error, --attr, …), not '${positionals.join(' ')}'`,
        usage,
      );
    const query: TraceQuery = {};
    if (values.service !== undefined) query.service = values.service;
    if (values.operation !== undefined) query.operation = values.operation;
    if (values.error) query.error = true;
    if (values['min-duration'] !== undefined)
      query.minDurationMs = parseDuration('--min-duration', values['min-duration'], usage);
    if (values['max-duration'] !== undefined)
      query.maxDurationMs = parseDuration('--max-duration', values['max-duration'], usage);
    if (values.attr) query.attributes = parseAttributes(values.attr);
    if (
      query.minDurationMs !== undefined &&
      query.maxDurationMs !== undefined &&
      query.minDurationMs > query.maxDurationMs
    )
      throw new UsageError('--min-duration is above --max-duration: no span can match', usage);
    if (values.traceql !== undefined) {
      const filters = Object.keys(query).map((k) => (k === 'attributes' ? 'attr' : k));
      if (filters.length > 0)
        throw new UsageError('--traceql replaces the filters: put them into the query', usage);
      query.traceql = values.traceql;
    }

    if (values.since !== undefined && values.start !== undefined)
      throw new UsageError('--since and --start both say when the window begins: give one', usage);
    const sinceMs = parseDuration('--since', values.since ?? '1h', usage);
    const end = values.end === undefined ? new Date() : parseTime('--end', values.end, usage);
    const start =
      values.start === undefined
        ? new Date(end.getTime() - sinceMs)
        : parseTime('--start', values.start, usage);
    if (start.getTime() >= end.getTime())
      throw new UsageError('the window ends before it starts: check --start and --end', usage);
    query.start = start;
    query.end = end;
    query.limit =
      values.limit === undefined ? 20 : parsePositiveInt('--limit', values.limit, usage);
    const width =
      values.width === undefined ? undefined : parsePositiveInt('--width', values.width, usage);

    const { url, backend } = resolveTraceStore(values, io.env, usage);
    const store = await connectTraceStore(url, backend);
    const traces = await store.search(query);
    const window =
      values.start === undefined && values.end === undefined
        ? `in the last ${values.since ?? '1h'}`
        : `between ${formatTimestamp(start.getTime())} and ${formatTimestamp(end.getTime())}`;
    const described = describeQuery(query);
    if (traces.length === 0)
      throw new CliError(
        `no traces${described ? ` matched ${described}` : ''} ${window} ` +
          `(${BACKEND_NAMES[store.backend]} at ${store.url})`,
      );
    const style = createStyle(wantsColor(io));
    const more = traces.length >= query.limit ? ' (the limit: --limit for more)' : '';
    const footer = `${plural(traces.length, 'trace')} ${window}${more}`;
    io.out(`${renderSearch(traces, { width: outputWidth(io, width), color: wantsColor(io) })}\n`);
    io.out(`${style.dim(`${footer} · tracing-demo trace <id> shows one`)}\n`);
    return 0;
  },
};
