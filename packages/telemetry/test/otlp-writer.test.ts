import {
  context,
  type Link,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { ExportResultCode, TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { type EncodedSpans, EncodingSpanProcessor } from '../src/export.js';
import { ProtoWriter, type ResourceBatch, writeRequest, writeSpan } from '../src/otlp-writer.js';

const resource = resourceFromAttributes({
  'service.name': 'order-service',
  'service.version': '1.2.3',
  'process.pid': 4242,
  'host.arch': 'amd64',
});

/** Spans with every field the writer handles: what the SDK really hands a processor. */
function makeSpans(...spanProcessors: (SimpleSpanProcessor | EncodingSpanProcessor)[]): void {
  const provider = new TracerProvider({ resource, spanProcessors });
  const tracer = provider.getTracer('@tracing-demo/order-service', '0.1.0');
  const other = provider.getTracer('@opentelemetry/instrumentation-pg', '0.77.0');
  const remote = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=abc,other=x'),
  });
  const link: Link = {
    context: {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    },
    attributes: { 'messaging.message.id': 'm-1' },
  };
  const root = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER, links: [link] }, remote);
  root.setAttributes({
    'http.request.method': 'POST',
    'http.response.status_code': 201,
    'url.path': '/orders',
    'app.big': 2 ** 40 + 7,
    'app.negative': -42,
    'app.double': 12.99,
    'app.nan': Number.NaN,
    'app.flag': true,
    'app.off': false,
    'app.strings': ['a', 'é', ''],
    'app.numbers': [1, 2.5, -3],
    'app.unicode': 'naïve café ☕ 注文 🚀',
    'app.long': 'x'.repeat(300),
    'app.long.unicode': `${'ü'.repeat(50)}${'y'.repeat(100)}`,
    'app.empty': '',
  });
  const parent = trace.setSpan(context.active(), root);
  for (let i = 0; i < 3; i++) {
    const query = other.startSpan(
      `pg.query:INSERT tracing_demo`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.namespace': 'tracing_demo',
          'db.query.text': `INSERT INTO orders (id, user_id, status, items) VALUES ($1, $2, 'paid', $3) RETURNING ${'col, '.repeat(30 * i)}id`,
          'server.port': 5432,
          'server.address': '127.0.0.1',
        },
      },
      parent,
    );
    query.end();
  }
  const failed = tracer.startSpan('processPayment', {}, parent);
  failed.recordException(new Error('card declined: insufficient funds'));
  failed.addEvent('retry', { attempt: 2 });
  failed.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  failed.end();
  const internal = tracer.startSpan('validateInventory', {}, parent);
  internal.setStatus({ code: SpanStatusCode.OK });
  internal.end();
  root.end();
}

function reference(): { spans: ReadableSpan[]; bytes: Uint8Array } {
  const memory = new InMemorySpanExporter();
  makeSpans(new SimpleSpanProcessor({ exporter: memory }));
  const spans = memory.getFinishedSpans();
  return { spans, bytes: ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array };
}

describe('the one-pass OTLP writer', () => {
  it("writes the same bytes as the SDK's protobuf serializer", () => {
    const { spans, bytes } = reference();
    expect(spans).toHaveLength(6);
    const batch: ResourceBatch = { resource, scopes: new Map() };
    for (const span of spans) {
      let writer = batch.scopes.get(span.instrumentationScope);
      if (!writer) {
        writer = new ProtoWriter(32);
        batch.scopes.set(span.instrumentationScope, writer);
      }
      writeSpan(writer, span);
    }
    expect(Buffer.from(writeRequest([batch])).equals(Buffer.from(bytes))).toBe(true);
  });

  it('writes 64-bit varints and lengths that need several bytes', () => {
    const w = new ProtoWriter(1);
    for (const n of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, -1, -42])
      w.varint(n);
    expect([...w.bytes()].map((b) => b.toString(16).padStart(2, '0')).join('')).toBe(
      [
        '00',
        '01',
        '7f',
        '8001',
        'ac02',
        '8080808008',
        'ffffffff0f',
        '8080808010',
        '8780808080 20'.replace(' ', ''),
        'ffffffffffffffffff01',
        'd6ffffffffffffffff01',
      ].join(''),
    );
  });
});

describe('EncodingSpanProcessor', () => {
  it('hands the exporter, on flush, what the SDK would have sent', async () => {
    const exported: EncodedSpans[] = [];
    const processor = new EncodingSpanProcessor({
      exporter: {
        export: (spans, done) => {
          exported.push(spans);
          done({ code: ExportResultCode.SUCCESS });
        },
        shutdown: async () => {},
      },
      scheduledDelayMillis: 60_000,
    });
    const memory = new InMemorySpanExporter();
    makeSpans(processor, new SimpleSpanProcessor({ exporter: memory }));
    expect(exported).toEqual([]);
    await processor.forceFlush();
    expect(exported.map((spans) => spans.count)).toEqual([6]);
    const sent = writeRequest((exported[0] as EncodedSpans).batches);
    const expected = ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans());
    expect(Buffer.from(sent).equals(Buffer.from(expected as Uint8Array))).toBe(true);
  });

  it('exports a full batch at once; spans being exported count against the queue', async () => {
    const run = async (maxQueueSize: number) => {
      const counts: number[] = [];
      const processor = new EncodingSpanProcessor({
        exporter: {
          export: (spans, done) => {
            counts.push(spans.count);
            setTimeout(() => done({ code: ExportResultCode.SUCCESS }), 10);
          },
          shutdown: async () => {},
        },
        maxExportBatchSize: 4,
        maxQueueSize,
        scheduledDelayMillis: 60_000,
      });
      makeSpans(processor);
      await processor.shutdown();
      return counts;
    };
    expect(await run(8)).toEqual([4, 2]);
    // The first four are still being exported when the last two end: those two are dropped.
    expect(await run(4)).toEqual([4]);
  });
});
