import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanLimits,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { leanTracerProvider } from '../src/tracer.js';

const LIMITS: SpanLimits = {
  attributeCountLimit: 6,
  attributeValueLengthLimit: 8,
  eventCountLimit: 3,
  linkCountLimit: 1,
  attributePerEventCountLimit: 2,
  attributePerLinkCountLimit: 1,
};

/** The SDK's provider, and the lean one built over it: the same processor and exporter. */
function providers(sampler?: AlwaysOffSampler) {
  const make = () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'tracer-test' }),
      spanLimits: LIMITS,
      sampler,
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    return { exporter, provider };
  };
  const sdk = make();
  const lean = make();
  const leanProvider = leanTracerProvider(lean.provider);
  if (!leanProvider) throw new Error('leanTracerProvider did not take the pinned SDK provider');
  return {
    sdk: { exporter: sdk.exporter, tracer: sdk.provider.getTracer('scope', '1.0.0') },
    lean: { exporter: lean.exporter, tracer: leanProvider.getTracer('scope', '1.0.0') },
  };
}

/** Everything the services and their instrumentations do to spans, and what they must not. */
function exercise(tracer: Tracer): void {
  const outside = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
  const root = tracer.startSpan('root', {
    kind: SpanKind.SERVER,
    attributes: { text: 'a string longer than eight', count: 3, flag: false, skipped: undefined },
    links: [{ context: outside, attributes: { one: 1, two: 2 } }, { context: outside }],
  });
  root.setAttributes({ list: ['x', 'y'], mixed: ['x', 1] as unknown as string[], '': 'no key' });
  root.setAttribute('map', { nested: 'value' } as never);
  root.setAttribute('late', 'kept');
  root.setAttribute('over', 'the limit');
  root.setAttribute('count', 4);
  root.updateName('GET /orders/:id');
  const ctx = trace.setSpan(ROOT_CONTEXT, root);
  tracer.startActiveSpan(
    'child',
    { attributes: { 'db.system.name': 'postgresql' } },
    ctx,
    (child) => {
      child.addEvent('first', { a: 1, b: 2, c: 3 });
      child.addEvent('timed', [1_700_000_000, 5]);
      child.recordException(Object.assign(new Error('boom'), { code: 'E42' }));
      child.recordException('plain text');
      child.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
      child.setStatus({ code: SpanStatusCode.UNSET });
      child.addLink({ context: outside });
      child.end();
      child.setAttribute('after', 'end');
      child.end();
    },
  );
  tracer.startSpan('new trace', { root: true }, ctx).end();
  tracer.startSpan('suppressed', {}, suppressTracing(ctx)).end();
  const ok = tracer.startSpan('ok', { startTime: new Date(1_700_000_000_000) }, ctx);
  ok.setStatus({ code: SpanStatusCode.OK });
  ok.setStatus({ code: SpanStatusCode.ERROR, message: 'too late' });
  ok.end(1_700_000_000_250);
  root.end();
}

/** A span as its exporter reads it, with the ids and clock readings left out. */
function shape(span: ReadableSpan, all: ReadableSpan[]) {
  const parent = all.find((other) => other.spanContext().spanId === span.parentSpanContext?.spanId);
  return {
    name: span.name,
    kind: span.kind,
    parent: parent?.name,
    sameTraceAsParent: parent ? parent.spanContext().traceId === span.spanContext().traceId : null,
    traceFlags: span.spanContext().traceFlags,
    attributes: span.attributes,
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map(({ name, attributes, droppedAttributesCount, time }) => ({
      name,
      attributes,
      droppedAttributesCount,
      time: name === 'timed' ? time : 'now',
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map(({ attributes, droppedAttributesCount }) => ({
      attributes,
      droppedAttributesCount,
    })),
    droppedLinksCount: span.droppedLinksCount,
    status: span.status,
    ended: span.ended,
    durationNonNegative: span.duration[0] >= 0 && span.duration[1] >= 0,
    given: span.name === 'ok' ? [span.startTime, span.endTime, span.duration] : undefined,
    resource: span.resource.attributes,
    scope: span.instrumentationScope,
  };
}

const shapes = (spans: ReadableSpan[]) => spans.map((span) => shape(span, spans));

describe('the lean tracer', () => {
  it('makes the spans the SDK makes, limits, events, links and statuses alike', () => {
    const { sdk, lean } = providers();
    exercise(sdk.tracer);
    exercise(lean.tracer);
    const expected = shapes(sdk.exporter.getFinishedSpans());
    expect(expected.map((span) => span.name)).toEqual([
      'child',
      'new trace',
      'ok',
      'GET /orders/:id',
    ]);
    expect(shapes(lean.exporter.getFinishedSpans())).toEqual(expected);
  });

  it("follows the SDK's sampler: a dropped span is not recorded and is not exported", () => {
    const { sdk, lean } = providers(new AlwaysOffSampler());
    for (const tracer of [sdk.tracer, lean.tracer]) {
      const span = tracer.startSpan('dropped');
      expect(span.isRecording()).toBe(false);
      expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
      span.end();
    }
    expect(lean.exporter.getFinishedSpans()).toEqual(sdk.exporter.getFinishedSpans());
  });

  it('is what the register puts behind the global tracer provider', async () => {
    // The SDK's console exporter gives the register a provider to replace; the probe reports
    // whether a span of the global provider carries the SDK tracer's private fields.
    const probe = `
      import { trace } from '@opentelemetry/api';
      const span = trace.getTracer('probe').startSpan('probe');
      console.error(JSON.stringify({ sdkSpan: '_spanProcessor' in span, recording: span.isRecording() }));
    `;
    const { stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', '@tracing-demo/telemetry/register', '--input-type=module', '--eval', probe],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { PATH: process.env.PATH ?? '', OTEL_TRACES_EXPORTER: 'console' },
      },
    );
    expect(JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}')).toEqual({
      sdkSpan: false,
      recording: true,
    });
  });
});
