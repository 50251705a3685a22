/**
 * Tempo as the e2e tests read it, through the project's CLI library (`tracing-demo trace`
 * prints the same trees when a test fails).
 */
import { fetchTrace, renderTrace, type Span, TraceNotFoundError } from '@tracing-demo/cli';
import { waitFor } from '@tracing-demo/testkit';

export type { Span };

/** The trace's spans, or undefined while Tempo does not have it. */
export async function findTrace(tempoUrl: string, traceId: string): Promise<Span[] | undefined> {
  try {
    return await fetchTrace(tempoUrl, traceId);
  } catch (error) {
    if (error instanceof TraceNotFoundError) return undefined;
    throw error;
  }
}

/** Waits until Tempo holds the trace and `complete` says all of it has arrived. */
export async function waitForTrace(
  tempoUrl: string,
  traceId: string,
  complete: (spans: Span[]) => boolean,
  timeoutMs = 60_000,
): Promise<Span[]> {
  let last: Span[] | undefined;
  try {
    return await waitFor(
      `trace ${traceId} in Tempo`,
      async () => {
        last = await findTrace(tempoUrl, traceId);
        return last !== undefined && complete(last) && last;
      },
      { timeoutMs, intervalMs: 250 },
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n${last ? renderTrace(last, { width: 140 }) : '(not in Tempo at all)'}`,
    );
  }
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

/** The spans from `span`'s parent up to the root. */
export function ancestorsOf(spans: Span[], span: Span): Span[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain: Span[] = [];
  for (let parent = span.parentSpanId && byId.get(span.parentSpanId); parent; ) {
    chain.push(parent);
    parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
  }
  return chain;
}

/**
 * Why the trace does not have a span matching `what` below a span matching `under` (undefined
 * when it does), for an assertion message that says what is missing.
 */
export function missingEdge(spans: Span[], what: SpanMatch, under?: SpanMatch): string | undefined {
  const candidates = spans.filter((span) => matches(span, what));
  if (candidates.length === 0) return `no span ${JSON.stringify(what)}`;
  if (!under) return undefined;
  const found = candidates.some((span) => ancestorsOf(spans, span).some((a) => matches(a, under)));
  return found ? undefined : `${JSON.stringify(what)} is not below ${JSON.stringify(under)}`;
}

export const show = (spans: Span[]) => renderTrace(spans, { width: 140 });
