import { context, INVALID_SPAN_CONTEXT, trace } from '@opentelemetry/api';
import { StackContextManager } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceIdsForLog } from '../src/spans.js';
import { memoryTracing } from './memory-tracing.js';

const { provider } = memoryTracing();

beforeAll(() => {
  context.setGlobalContextManager(new StackContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});

afterAll(async () => {
  trace.disable();
  context.disable();
  await provider.shutdown();
});

describe('traceIdsForLog', () => {
  it("gives a line written inside a span that span's ids", () => {
    trace.getTracer('test').startActiveSpan('request', (span) => {
      const { traceId, spanId } = span.spanContext();
      expect(traceIdsForLog()).toEqual({ trace_id: traceId, span_id: spanId, trace_flags: '01' });
      // pino merges into what the mixin returns: never the same object twice.
      expect(traceIdsForLog()).not.toBe(traceIdsForLog());
      span.end();
    });
  });

  it('still gives them after the span ended: a request logs its last line then', () => {
    const span = trace.getTracer('test').startSpan('request');
    span.end();
    context.with(trace.setSpan(context.active(), span), () => {
      expect(traceIdsForLog()).toMatchObject({ span_id: span.spanContext().spanId });
    });
  });

  it('adds nothing outside a span or in a context with no valid one', () => {
    expect(traceIdsForLog()).toEqual({});
    const invalid = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    context.with(trace.setSpan(context.active(), invalid), () => {
      expect(traceIdsForLog()).toEqual({});
    });
  });
});
