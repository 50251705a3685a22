import type { Span } from './span.js';

/** A span in its trace's tree. */
export interface TraceNode<S extends Span = Span> {
  span: S;
  children: TraceNode<S>[];
  /** Its parent is named but not in the trace (not sent, dropped, or the caller's span). */
  orphan: boolean;
}

// Ties keep the store's order (the sort is stable). The Node SDK's start times have millisecond
// resolution, so quick sequential siblings often tie; the stores list a service's spans in the
// order they were exported, as they ended, which for sequential siblings is the order they ran.
const byStart = (a: TraceNode, b: TraceNode) => a.span.startMs - b.span.startMs;

/**
 * Spans as a forest: children under their parents, siblings (and roots) by start time. A span
 * whose parent is missing is a root marked `orphan`, so nothing the store returned is hidden; a span
 * caught in a parent cycle (a broken producer) is shown the same way.
 */
export function buildTraceTree<S extends Span>(spans: readonly S[]): TraceNode<S>[] {
  const nodes = spans.map((span): TraceNode<S> => ({ span, children: [], orphan: false }));
  const byId = new Map(nodes.map((node) => [node.span.spanId, node]));
  const roots: TraceNode<S>[] = [];
  for (const node of nodes) {
    const parentId = node.span.parentSpanId;
    const parent = parentId ? byId.get(parentId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else {
      node.orphan = parentId !== undefined;
      roots.push(node);
    }
  }
  // Whatever is not reachable from a root sits in a cycle: break it at its earliest span.
  const reached = new Set<TraceNode<S>>();
  const mark = (node: TraceNode<S>) => {
    if (reached.has(node)) return;
    reached.add(node);
    for (const child of node.children) mark(child);
  };
  for (const root of roots) mark(root);
  for (const node of [...nodes].sort(byStart)) {
    if (reached.has(node)) continue;
    for (const other of nodes) other.children = other.children.filter((c) => c !== node);
    node.orphan = true;
    roots.push(node);
    mark(node);
  }
  const sort = (list: TraceNode<S>[]) => {
    list.sort(byStart);
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}

/** A row of the tree drawn depth first; `lastFlags` says, per level, if it is a last child. */
export interface TreeRow<S extends Span = Span> {
  node: TraceNode<S>;
  depth: number;
  lastFlags: boolean[];
}

/** The tree depth first, as rows. */
export function walkTree<S extends Span>(roots: readonly TraceNode<S>[]): TreeRow<S>[] {
  const rows: TreeRow<S>[] = [];
  const visit = (node: TraceNode<S>, lastFlags: boolean[]) => {
    rows.push({ node, depth: lastFlags.length, lastFlags });
    node.children.forEach((child, i) => {
      visit(child, [...lastFlags, i === node.children.length - 1]);
    });
  };
  for (const root of roots) visit(root, []);
  return rows;
}

/** The chain of parents from `span` up to its root, nearest first. */
export function ancestors<S extends Span>(span: S, trace: readonly S[]): S[] {
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const chain: S[] = [];
  const seen = new Set<S>([span]);
  let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
  while (parent && !seen.has(parent)) {
    chain.push(parent);
    seen.add(parent);
    parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
  }
  return chain;
}

/**
 * A trace as indented text, a line a span (`service: name [KIND] 1.2ms`, `ERROR(message)` when it
 * failed), for assertion messages: the view the tutorials draw by hand.
 */
export function renderTree(spans: readonly Span[]): string {
  return walkTree(buildTraceTree(spans))
    .map(({ node: { span }, depth }) => {
      const status = span.status.code === 'ERROR' ? ` ERROR(${span.status.message ?? ''})` : '';
      const line = `${span.service}: ${span.name} [${span.kind}] ${span.durationMs.toFixed(1)}ms`;
      return `${'  '.repeat(depth)}${line}${status}`;
    })
    .join('\n');
}
