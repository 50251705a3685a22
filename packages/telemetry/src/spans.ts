import {
  type Attributes,
  context,
  INVALID_TRACEID,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

export function tracerFor(serviceName: string): Tracer {
  return trace.getTracer(serviceName);
}

/** Marks a span failed with the error recorded as an exception event. */
export function recordFailure(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

/**
 * Runs `work` inside a new active span: children made inside nest under it, a thrown error
 * marks it failed, and it always ends.
 */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T> | T,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Adds attributes to the request's SERVER span (the root of the trace at the gateway): the
 * active span in fastify hooks and handlers, outside any span of their own (inSpan).
 */
export function annotateServerSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/**
 * Runs `work` in the root context: no active span. Instrumentations that need a parent (pg.ts)
 * then skip its calls outright: no span, and none of their wrapper's work. The root context
 * rather than the active one without its span: that would copy the context on every call.
 */
export function outsideTrace<T>(work: () => T): T {
  return context.with(ROOT_CONTEXT, work);
}

/**
 * Log correlation, as pino's `mixin`: the active span's ids on every line written inside it,
 * under the names instrumentation-pino used. A plain function instead of that instrumentation,
 * which patched pino's factory to install much the same mixin at several times the cost per line.
 * pino merges into the object returned, so every call returns a new one.
 */
export function traceIdsForLog(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  // Not isRecording(): a request's last line ("request completed") comes after its span ended.
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (traceId === INVALID_TRACEID) return {};
  return { trace_id: traceId, span_id: spanId, trace_flags: traceFlags & 1 ? '01' : '00' };
}
