import type { Span } from './span.js';

/** A span in its trace's tree. */
export interface TraceNode {
  span: Span;
  children: TraceNode[];
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
export function buildTraceTree(spans: readonly Span[]): TraceNode[] {
  const nodes = spans.map((span): TraceNode => ({ span, children: [], orphan: false }));
  const byId = new Map(nodes.map((node) => [node.span.spanId, node]));
  const roots: TraceNode[] = [];
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
  const reached = new Set<TraceNode>();
  const mark = (node: TraceNode) => {
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
  const sort = (list: TraceNode[]) => {
    list.sort(byStart);
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}

/** The tree depth first, as rows: each node with its depth and whether it is a last child. */
export function walkTree(
  roots: readonly TraceNode[],
): { node: TraceNode; depth: number; lastFlags: boolean[] }[] {
  const rows: { node: TraceNode; depth: number; lastFlags: boolean[] }[] = [];
  const visit = (node: TraceNode, lastFlags: boolean[]) => {
    rows.push({ node, depth: lastFlags.length, lastFlags });
    node.children.forEach((child, i) => {
      visit(child, [...lastFlags, i === node.children.length - 1]);
    });
  };
  for (const root of roots) visit(root, []);
  return rows;
}
