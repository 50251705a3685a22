import { parseCommandLine, parseDuration, parsePositiveInt } from '../args.js';
import type { Command } from '../command.js';
import { endpointHelp, resolveEndpoint } from '../endpoints.js';
import { UsageError } from '../errors.js';
import { formatMs, formatTimestamp, plural } from '../format.js';
import { outputWidth, wantsColor } from '../io.js';
import { type TraceSummary, traceStore } from '../stores/index.js';
import { createStyle } from '../style.js';
import { renderTable } from '../table.js';

const usage = `Usage: tracing-demo search '<TraceQL>' [options]

Finds traces with a TraceQL query and lists them, newest first: trace id, root service and
span, start time, duration, span and error counts.

  tracing-demo search '{ status = error }'
  tracing-demo search '{ resource.service.name = "payment-service" && duration > 1s }' --since 15m
  tracing-demo search '{ span.http.route = "/api/orders" }' --limit 5

Options:
  --limit N       at most N traces (default 20)
  --since D       traces that started in the last D: 90s, 15m, 1h, 2d (default 1h)
  --tempo URL     Tempo's HTTP API (TEMPO_URL, default http://127.0.0.1:3200)
  --width N       lay out in N columns (default: the terminal's, or 100)
  -h, --help      this help

Tempo stops at the first N matches it finds, which are not necessarily the newest; they are
listed newest first. A trace is searchable once Tempo saw no new span for it for a while
(TEMPO_TRACE_IDLE_PERIOD, 10 s by default); \`tracing-demo trace <id>\` finds it at once.

Exit status: 0 listed (even none), 1 Tempo unreachable, 2 bad arguments or a query Tempo rejects.

Endpoints (flag > environment > default):
${endpointHelp(['tempo'])}
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

export const searchCommand: Command = {
  name: 'search',
  summary: 'find traces with TraceQL and list them',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        limit: { type: 'string' },
        since: { type: 'string' },
        tempo: { type: 'string' },
        width: { type: 'string' },
      },
      usage,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0
          ? "which traces? give a TraceQL query, e.g. '{ status = error }'"
          : 'one query, in quotes',
        usage,
      );
    const query = positionals[0] as string;
    const limit =
      values.limit === undefined ? 20 : parsePositiveInt('--limit', values.limit, usage);
    const sinceMs = parseDuration('--since', values.since ?? '1h', usage);
    const width =
      values.width === undefined ? undefined : parsePositiveInt('--width', values.width, usage);
    const tempoUrl = resolveEndpoint('tempo', values.tempo, io.env, usage);
    const end = new Date();
    const traces = await traceStore(tempoUrl, 'tempo').search({
      traceql: query,
      limit,
      start: new Date(end.getTime() - sinceMs),
      end,
    });
    const since = values.since ?? '1h';
    if (traces.length === 0) {
      io.out(`no traces matched ${query} in the last ${since}\n`);
      return 0;
    }
    const style = createStyle(wantsColor(io));
    const more = traces.length >= limit ? ' (the limit: --limit for more)' : '';
    const footer = `${plural(traces.length, 'trace')} in the last ${since}${more}`;
    io.out(`${renderSearch(traces, { width: outputWidth(io, width), color: wantsColor(io) })}\n`);
    io.out(`${style.dim(`${footer} · tracing-demo trace <id> shows one`)}\n`);
    return 0;
  },
};
