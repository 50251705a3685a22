import type { Span } from '@tracing-demo/otlp';

/** A normalized span for renderer tests: times relative to 1_700_000_000_000 ms. */
export function span(
  spanId: string,
  parentSpanId: string | undefined,
  service: string,
  name: string,
  startMs: number,
  durationMs: number,
  extra: Partial<Span> = {},
): Span {
  const base = 1_700_000_000_000;
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    service,
    name,
    kind: 'INTERNAL',
    startMs: base + startMs,
    endMs: base + startMs + durationMs,
    durationMs,
    status: { code: 'UNSET' },
    attributes: {},
    events: [],
    links: [],
    resource: { 'service.name': service },
    ...extra,
  };
}
