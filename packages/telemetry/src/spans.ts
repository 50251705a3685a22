import {
  type Attributes,
  context,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';

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
 * Adds attributes to the request's SERVER span (the root of the trace at the gateway), not to
 * the fastify child span that is active inside handlers. The HTTP instrumentation leaves that
 * span in the context's RPC metadata for exactly this purpose.
 */
export function annotateServerSpan(attributes: Attributes): void {
  const serverSpan = getRPCMetadata(context.active())?.span ?? trace.getActiveSpan();
  serverSpan?.setAttributes(attributes);
}
