import { parseCommandLine, parsePositiveInt } from '../args.js';
import type { Command } from '../command.js';
import { endpointHelp, resolveTraceStore } from '../endpoints.js';
import { UsageError } from '../errors.js';
import { outputWidth, wantsColor } from '../io.js';
import { renderTrace } from '../render.js';
import { connectTraceStore, normalizeTraceId } from '../stores/index.js';

const usage = `Usage: tracing-demo trace <trace-id> [options]

Fetches one trace from the trace store (Jaeger or Tempo) and prints it as a tree: each span
under its parent (siblings by start time) with its service, name and kind, a bar showing when
it ran within the trace, its duration, and ✗ ERROR with the status message for failed spans.
Spans whose parent is not in the trace are shown at the top level, marked ⚠.

Options:
  --traces-url URL      the trace store's query API (default http://127.0.0.1:16686)
  --traces-backend B    jaeger or tempo (default: detected from the store's answers)
  --width N             lay out in N columns (default: the terminal's, or 100)
  --json                print the spans as JSON instead (the library's normalized Span list)
  -h, --help            this help

Exit status: 0 printed, 1 not found or the store unreachable, 2 bad arguments.

Endpoints (flag > environment > default):
${endpointHelp(['traces'])}
`;

export const traceCommand: Command = {
  name: 'trace',
  summary: 'print a trace from Jaeger or Tempo as a tree with a waterfall of its spans',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        'traces-url': { type: 'string' },
        'traces-backend': { type: 'string' },
        width: { type: 'string' },
        json: { type: 'boolean' },
      },
      usage,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0 ? 'which trace? give its id' : 'one trace id at a time',
        usage,
      );
    const traceId = normalizeTraceId(positionals[0] as string);
    const { url, backend } = resolveTraceStore(values, io.env, usage);
    const width =
      values.width === undefined ? undefined : parsePositiveInt('--width', values.width, usage);
    const store = await connectTraceStore(url, backend);
    const spans = await store.fetchTrace(traceId);
    if (values.json) io.out(`${JSON.stringify(spans, null, 2)}\n`);
    else
      io.out(`${renderTrace(spans, { width: outputWidth(io, width), color: wantsColor(io) })}\n`);
    return 0;
  },
};
