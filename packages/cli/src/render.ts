import { buildTraceTree, type Span, walkTree } from '@tracing-demo/otlp';
import { columns, formatMs, padEnd, padStart, plural, truncate } from './format.js';
import { createStyle } from './style.js';

export interface RenderOptions {
  /** Columns to fit in (default 100). */
  width?: number;
  /** ANSI colors (default off). */
  color?: boolean;
}

// Left-aligned eighths of a cell: the end of a bar lands within an eighth of where it should.
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * A span's bar in a waterfall `width` cells wide covering [traceStart, traceStart + total]:
 * blank up to the cell the span starts in, full blocks, then a partial block for the last
 * eighths. A span too short to see still gets a sliver.
 */
export function durationBar(
  startOffsetMs: number,
  durationMs: number,
  totalMs: number,
  width: number,
): string {
  const scale = totalMs > 0 ? width / totalMs : 0;
  const startCell = Math.min(width - 1, Math.max(0, Math.floor(startOffsetMs * scale)));
  const endEighths = Math.min(width * 8, Math.round((startOffsetMs + durationMs) * scale * 8));
  // Shorter than an eighth of a cell: a sliver where it starts, wherever that is.
  const eighths = durationMs * scale * 8 < 1 ? 1 : Math.max(1, endEighths - startCell * 8);
  const bar = '█'.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] as string);
  return padEnd(' '.repeat(startCell) + bar, width).slice(0, width);
}

/** The largest of many numbers (no spread: a trace can have more spans than a call has room). */
function maxOf(values: Iterable<number>, start = Number.NEGATIVE_INFINITY): number {
  let max = start;
  for (const value of values) if (value > max) max = value;
  return max;
}

/** One line of text: span names and status messages can carry newlines (stack traces). */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point.
  return (text.split('\n')[0] ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trimEnd();
}

/** `│  ├─ ` guides for a row: its ancestors' continuation lines, then its own branch. */
function treePrefix(lastFlags: boolean[]): string {
  if (lastFlags.length === 0) return '';
  const ancestors = lastFlags.slice(0, -1).map((last) => (last ? '   ' : '│  '));
  return `${ancestors.join('')}${lastFlags.at(-1) ? '└─ ' : '├─ '}`;
}

/** The guides under a row, for the lines that belong to it (its error message, its note). */
function notePrefix(lastFlags: boolean[], hasChildren: boolean): string {
  const own = lastFlags.map((last) => (last ? '   ' : '│  ')).join('');
  return `${own}${hasChildren ? '│' : ' '}  `;
}

/**
 * A trace as a tree with a waterfall, fitted to `width` columns:
 *
 * ```
 * trace 4bf9…4736 · 6 spans · 3 services · 50.0 ms · 1 error
 *                                          │0 ms                        50.0 ms│
 * api-gateway: POST /api/orders [SERVER]   │██████████████████████████████████│  50.0 ms
 * └─ api-gateway: POST [CLIENT]            │ ███████████████████████████████▋ │  48.0 ms
 *    └─ payment-service: chargePayment …   │     ███████████████████████      │  40.0 ms ✗ ERROR
 *          ↳ card declined
 * ```
 *
 * Children sit under their parent by start time; a span whose parent is not in the trace is
 * drawn at the root with a `⚠` and a note saying so; an error span has `✗ ERROR` and its
 * status message on the line below.
 */
export function renderTrace(spans: readonly Span[], options: RenderOptions = {}): string {
  const width = Math.max(60, options.width ?? 100);
  const style = createStyle(options.color ?? false);
  if (spans.length === 0) return 'no spans';

  const roots = buildTraceTree(spans);
  const rows = walkTree(roots);
  const traceStart = -maxOf(spans.map((s) => -s.startMs));
  const traceEnd = maxOf(spans.map((s) => s.endMs));
  const total = traceEnd - traceStart;
  const errors = spans.filter((s) => s.status.code === 'ERROR').length;
  const orphans = rows.filter((r) => r.node.orphan).length;
  const services = new Set(spans.map((s) => s.service));

  const labels = rows.map(({ node, lastFlags }) => {
    const { span } = node;
    const mark = node.orphan ? '⚠ ' : '';
    return {
      prefix: treePrefix(lastFlags) + mark,
      text: oneLine(`${span.service}: ${span.name} [${span.kind}]`),
    };
  });
  const durations = rows.map(({ node }) => formatMs(node.span.durationMs));
  const durationWidth = maxOf(durations.map(columns), columns(formatMs(total)));
  const statusWidth = errors > 0 ? columns(' ✗ ERROR') : 0;
  // label, space, │bar│, two spaces, duration, status
  const fixed = 1 + 2 + 2 + durationWidth + statusWidth;
  const minBar = Math.min(40, Math.max(16, Math.floor(width / 5)));
  const longestLabel = maxOf(labels.map((l) => columns(l.prefix + l.text)));
  const labelWidth = Math.min(longestLabel, width - fixed - minBar);
  const barWidth = width - fixed - labelWidth;

  const id = spans[0]?.traceId ?? '';
  const summary = [
    `trace ${id}`,
    plural(spans.length, 'span'),
    plural(services.size, 'service'),
    formatMs(total),
    ...(errors > 0 ? [style.red(plural(errors, 'error'))] : []),
    ...(orphans > 0 ? [style.yellow(plural(orphans, 'orphan'))] : []),
  ];
  const lines = [style.bold(summary.join(' · '))];
  const scaleEnd = formatMs(total);
  const scale = `0 ms${padStart(scaleEnd, barWidth - 4)}`;
  lines.push(`${' '.repeat(labelWidth + 1)}${style.dim(`│${scale}│`)}`);

  rows.forEach(({ node, lastFlags }, i) => {
    const { span } = node;
    const full = labels[i] as { prefix: string; text: string };
    const text = full.text;
    // A tree deeper than the label column keeps the guides nearest the span, and 8 columns of
    // its name.
    const prefixRoom = labelWidth - 8;
    const prefix =
      columns(full.prefix) <= prefixRoom
        ? full.prefix
        : `…${[...full.prefix].slice(-(prefixRoom - 1)).join('')}`;
    const room = labelWidth - columns(prefix);
    const label = truncate(text, Math.max(1, room));
    const serviceEnd = Math.min(columns(label), span.service.length);
    const coloredLabel =
      style.service(span.service, label.slice(0, serviceEnd)) + label.slice(serviceEnd);
    const isError = span.status.code === 'ERROR';
    const bar = durationBar(span.startMs - traceStart, span.durationMs, total, barWidth);
    const coloredBar = isError ? style.red(bar) : style.service(span.service, bar);
    const status = isError ? style.red(style.bold(' ✗ ERROR')) : '';
    const shownPrefix = node.orphan ? style.yellow(prefix) : style.dim(prefix);
    const pad = ' '.repeat(Math.max(0, room - columns(label)));
    lines.push(
      `${shownPrefix}${coloredLabel}${pad} ${style.dim('│')}${coloredBar}${style.dim('│')}  ` +
        `${padStart(durations[i] as string, durationWidth)}${status}`,
    );
    const under = notePrefix(lastFlags, node.children.length > 0);
    const note = (text: string) => truncate(`${under}↳ ${text}`, width);
    if (isError && span.status.message) {
      const line = note(oneLine(span.status.message));
      lines.push(style.dim(under) + style.red(line.slice(under.length)));
    }
    if (node.orphan) {
      const line = note(`orphan: parent span ${span.parentSpanId} is not in this trace`);
      lines.push(style.dim(under) + style.yellow(line.slice(under.length)));
    }
  });
  return lines.join('\n');
}
