import { parseCommandLine, parsePositiveInt } from '../args.js';
import type { Command } from '../command.js';
import { endpointHelp, resolvePipelineEndpoints } from '../endpoints.js';
import { UsageError } from '../errors.js';
import { outputWidth, wantsColor } from '../io.js';
import { type PipelineStatus, pipelineStatus } from '../status/index.js';
import { BACKEND_NAMES, type TracesBackend } from '../stores/index.js';
import { createStyle } from '../style.js';
import { renderTable } from '../table.js';

const usage = `Usage: tracing-demo status [options]

The tracing pipeline's health at a glance: the collector (health check; spans received,
refused, exported to the trace store, failed; tail sampling decisions), the trace store (Jaeger:
its query API answers, spans received, refused, stored, failed; Tempo: ready, spans received,
discarded) and Prometheus (ready; scrape targets up; alerts firing), and the kept ratio: the
share of the spans the collector received that it exported to the trace store.

Options:
  --collector-health URL   the collector's health_check extension
  --collector-metrics URL  the collector's own telemetry
  --traces-url URL         the trace store's query API (Jaeger :16686 or Tempo :3200)
  --traces-backend B       jaeger or tempo (default: detected from the store's answers)
  --traces-metrics URL     the trace store's own metrics (Jaeger's metrics port, Tempo's /metrics)
  --prometheus URL         Prometheus' HTTP API
  --width N                lay out in N columns (default: the terminal's, or 100)
  -h, --help               this help

Exit status: 0 every component up (warnings such as firing alerts are printed, not fatal),
1 a component is down, 2 bad arguments.

Endpoints (flag > environment > default):
${endpointHelp(['collectorHealth', 'collectorMetrics', 'traces', 'tracesMetrics', 'prometheus'])}
`;

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

/** The status as a table of components, then the kept ratio, sampling and warnings. */
export function renderStatus(
  status: PipelineStatus,
  options: { width: number; color: boolean },
): string {
  const style = createStyle(options.color);
  const rows = status.components.map((c) => [
    c.name,
    c.up ? '✓ up' : '✗ down',
    c.up ? c.details.join(' · ') : (c.problem ?? ''),
  ]);
  const lines = [
    renderTable(
      [{ header: 'COMPONENT' }, { header: 'STATE' }, { header: 'DETAILS', flexible: true }],
      rows,
      options.width,
      (row, column, text) =>
        column === 1 ? (status.components[row]?.up ? style.green(text) : style.red(text)) : text,
    ),
    '',
  ];
  const collector = status.collector;
  const store = status.components.find((c) => c.name === 'jaeger' || c.name === 'tempo')?.name;
  const storeName = store ? BACKEND_NAMES[store as TracesBackend] : 'the trace store';
  if (status.keptRatio !== undefined && collector)
    lines.push(
      `kept ratio  ${style.bold(percent(status.keptRatio))} of the spans the collector received ` +
        `went to ${storeName} (${collector.spansExported} of ${collector.spansReceived})`,
    );
  else if (collector) lines.push('kept ratio  - (the collector has received no spans yet)');
  if (collector) {
    const policies = Object.entries(collector.keptByPolicy)
      .map(([policy, count]) => `${policy} ${count}`)
      .join(', ');
    lines.push(
      `sampling    traces kept ${collector.tracesKept}, dropped ${collector.tracesDropped}` +
        (policies ? ` · kept by policy: ${policies}` : ''),
    );
  }
  const problems = [
    ...status.components
      .filter((c) => !c.up)
      .map((c) => style.red(`✗ ${c.name} is down: ${c.problem ?? 'no answer'}`)),
    ...status.warnings.map((w) => style.yellow(`⚠ ${w}`)),
  ];
  if (problems.length > 0) lines.push('', ...problems);
  return lines.join('\n');
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'health of the collector, the trace store and Prometheus, and the share of spans kept',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        'traces-url': { type: 'string' },
        'traces-backend': { type: 'string' },
        'traces-metrics': { type: 'string' },
        prometheus: { type: 'string' },
        'collector-metrics': { type: 'string' },
        'collector-health': { type: 'string' },
        width: { type: 'string' },
      },
      usage,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(`status takes no arguments, got '${positionals.join(' ')}'`, usage);
    const endpoints = resolvePipelineEndpoints(values, io.env, usage);
    const width =
      values.width === undefined ? undefined : parsePositiveInt('--width', values.width, usage);
    const status = await pipelineStatus(endpoints);
    io.out(`${renderStatus(status, { width: outputWidth(io, width), color: wantsColor(io) })}\n`);
    return status.ok ? 0 : 1;
  },
};
