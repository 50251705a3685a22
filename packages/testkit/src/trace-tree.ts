import type { CollectedSpan } from './otlp-sink.js';

/** The chain of parents from `span` up to the root, nearest first. */
export function ancestors(span: CollectedSpan, trace: readonly CollectedSpan[]): CollectedSpan[] {
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const chain: CollectedSpan[] = [];
  let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
  while (parent) {
    chain.push(parent);
    parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
  }
  return chain;
}

/**
 * Renders a trace as an indented tree, `service: name [kind] status`, for assertion messages
 * and closing notes: the view the tutorials draw by hand.
 */
export function renderTree(trace: readonly CollectedSpan[]): string {
  const kinds = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
  const ids = new Set(trace.map((s) => s.spanId));
  const children = new Map<string | undefined, CollectedSpan[]>();
  for (const span of trace) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  const visit = (span: CollectedSpan, depth: number) => {
    const ms = Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
    const status = span.status.code === 2 ? ` ERROR(${span.status.message ?? ''})` : '';
    lines.push(
      `${'  '.repeat(depth)}${span.service}: ${span.name} [${kinds[span.kind]}] ${ms.toFixed(1)}ms${status}`,
    );
    const sorted = [...(children.get(span.spanId) ?? [])].sort((a, b) =>
      a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1,
    );
    for (const child of sorted) visit(child, depth + 1);
  };
  for (const root of children.get(undefined) ?? []) visit(root, 0);
  return lines.join('\n');
}
