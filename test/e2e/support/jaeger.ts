/**
 * The trace store (Jaeger) as the e2e tests read it, through the project's CLI library's
 * TraceStore (`tracing-demo trace` prints the same trees when a test fails).
 */
import { renderTrace, TraceNotFoundError, type TraceStore, traceStore } from '@tracing-demo/cli';
import { ancestors, type Span } from '@tracing-demo/otlp';
import { waitFor } from '@tracing-demo/platform';

export type { Span, TraceStore };

/** The stack's Jaeger as a TraceStore. */
export const jaegerStore = (url: string): TraceStore => traceStore(url, 'jaeger');

/** The trace's spans, or undefined while the store does not have it. */
export async function findTrace(store: TraceStore, traceId: string): Promise<Span[] | undefined> {
  try {
    return await store.fetchTrace(traceId);
  } catch (error) {
    if (error instanceof TraceNotFoundError) return undefined;
    throw error;
  }
}

/** Waits until the store holds the trace and `complete` says all of it has arrived. */
export async function waitForTrace(
  store: TraceStore,
  traceId: string,
  complete: (spans: Span[]) => boolean,
  timeoutMs = 60_000,
): Promise<Span[]> {
  let last: Span[] | undefined;
  try {
    return await waitFor(
      `trace ${traceId} in the trace store`,
      async () => {
        last = await findTrace(store, traceId);
        return last !== undefined && complete(last) && last;
      },
      { timeoutMs, intervalMs: 250 },
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n${last ? renderTrace(last, { width: 140 }) : '(not in the trace store at all)'}`,
    );
  }
}

/**
 * A trace as Jaeger stores it (OTLP JSON from api/v3): every field of every span, its events,
 * links, scope and resource, some of which the CLI's Span leaves out. For searching a stored
 * trace for what must not be in it.
 */
export async function storedDocument(jaegerUrl: string, traceId: string): Promise<string> {
  const response = await fetch(`${jaegerUrl}/api/v3/traces/${traceId}`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`trace ${traceId}: ${response.status} ${text}`);
  return text;
}

/** What the sweep of a whole store found, and how many searches it took. */
export interface Sweep {
  traceIds: Set<string>;
  searches: number;
}

/**
 * Every trace the store holds with a span that started in [start, end]: each service's traces,
 * window by window. A search answers at most `pageSize` traces, so a window that comes back
 * full is split in two until every window comes back with fewer: then it held no more.
 */
export async function sweepStore(
  store: TraceStore,
  { start, end, pageSize = 100 }: { start: Date; end: Date; pageSize?: number },
): Promise<Sweep> {
  const sweep: Sweep = { traceIds: new Set(), searches: 0 };
  const visit = async (service: string, from: number, to: number): Promise<void> => {
    sweep.searches++;
    const found = await store.search({
      service,
      start: new Date(from),
      end: new Date(to),
      limit: pageSize,
    });
    if (found.length < pageSize) {
      for (const trace of found) sweep.traceIds.add(trace.traceId);
      return;
    }
    if (to - from < 2)
      throw new Error(`${service}: ${pageSize} traces or more start within ${to - from} ms`);
    // The halves share their middle millisecond: a trace starting there is in both, not lost.
    const middle = Math.floor((from + to) / 2);
    await visit(service, from, middle);
    await visit(service, middle, to);
  };
  for (const service of await store.services())
    await visit(service, start.getTime(), end.getTime());
  return sweep;
}

/** What a span must be; every given field must match. */
export interface SpanMatch {
  service: string;
  kind?: Span['kind'];
  name?: string | RegExp;
}

export function matches(span: Span, match: SpanMatch): boolean {
  if (span.service !== match.service) return false;
  if (match.kind && span.kind !== match.kind) return false;
  if (typeof match.name === 'string') return span.name === match.name;
  return match.name ? match.name.test(span.name) : true;
}

/**
 * Why the trace does not have a span matching `what` below a span matching `under` (undefined
 * when it does), for an assertion message that says what is missing.
 */
export function missingEdge(spans: Span[], what: SpanMatch, under?: SpanMatch): string | undefined {
  const candidates = spans.filter((span) => matches(span, what));
  if (candidates.length === 0) return `no span ${JSON.stringify(what)}`;
  if (!under) return undefined;
  const found = candidates.some((span) => ancestors(span, spans).some((a) => matches(a, under)));
  return found ? undefined : `${JSON.stringify(what)} is not below ${JSON.stringify(under)}`;
}

export const show = (spans: Span[]) => renderTrace(spans, { width: 140 });

/** Why the spans are not one tree below a single root span of `rootService`; [] when they are. */
export function treeProblems(spans: Span[], rootService: string): string[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => !s.parentSpanId);
  const orphans = spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId));
  const rootOk = roots.length === 1 && roots[0]?.service === rootService;
  return [
    ...(rootOk
      ? []
      : [`roots: ${roots.map((r) => `${r.service}: ${r.name}`).join(', ') || 'none'}`]),
    ...orphans.map((s) => `orphan ${s.service}: ${s.name} (parent ${s.parentSpanId} missing)`),
  ];
}
