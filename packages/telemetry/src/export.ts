import { type Context, context, diag, TraceFlags } from '@opentelemetry/api';
import {
  type ExportResult,
  ExportResultCode,
  getNumberFromEnv,
  getStringFromEnv,
  type InstrumentationScope,
  suppressTracing,
} from '@opentelemetry/core';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { ProtoWriter, type ResourceBatch, writeRequest, writeSpan } from './otlp-writer.js';

/** Spans already written as OTLP protobuf, grouped by resource and scope, and their count. */
export interface EncodedSpans {
  batches: ResourceBatch[];
  count: number;
}

/**
 * The SDK's OTLP/HTTP protobuf transport (endpoint, headers, timeout, compression and retries
 * from the same OTEL_EXPORTER_OTLP_* variables) sending spans that are already encoded.
 */
export class EncodedSpanExporter extends OTLPExporterBase<EncodedSpans> {
  constructor() {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', {
          'Content-Type': 'application/x-protobuf',
        }),
        {
          serializeRequest: (spans: EncodedSpans) => writeRequest(spans.batches),
          deserializeResponse: ProtobufTraceSerializer.deserializeResponse,
        },
        'otlp_http_span_exporter',
        { name: 'span', countItems: (spans: EncodedSpans) => spans.count },
        undefined,
      ),
    );
  }
}

export interface EncodingSpanProcessorOptions {
  exporter: { export(spans: EncodedSpans, done: (result: ExportResult) => void): void } & {
    forceFlush?(): Promise<void>;
    shutdown(): Promise<void>;
  };
  /** OTEL_BSP_* names and defaults, as the SDK's BatchSpanProcessor reads them. */
  maxQueueSize?: number;
  maxExportBatchSize?: number;
  scheduledDelayMillis?: number;
}

/**
 * The BatchSpanProcessor's batching, but each span is written as OTLP protobuf when it ends and
 * the span object is let go: a batch holds bytes, not spans that live for seconds (promoted out
 * of V8's young generation) and are then walked twice by the serializer. The queue limit counts
 * spans waiting and spans being exported, so a slow or dead collector bounds memory and drops.
 */
export class EncodingSpanProcessor implements SpanProcessor {
  readonly #exporter: EncodingSpanProcessorOptions['exporter'];
  readonly #maxQueueSize: number;
  readonly #maxExportBatchSize: number;
  readonly #delay: number;
  #pending = new Map<Resource, ResourceBatch>();
  #lastResource: Resource | undefined;
  #lastScope: InstrumentationScope | undefined;
  #lastWriter: ProtoWriter | undefined;
  #count = 0;
  /** Spans handed to the exporter and not yet answered: they count against the queue too. */
  #exporting = 0;
  #dropped = 0;
  #timer: NodeJS.Timeout | undefined;
  #inFlight = new Set<Promise<void>>();
  #shutDown = false;

  constructor(options: EncodingSpanProcessorOptions) {
    this.#exporter = options.exporter;
    this.#maxQueueSize =
      options.maxQueueSize ?? getNumberFromEnv('OTEL_BSP_MAX_QUEUE_SIZE') ?? 2048;
    this.#maxExportBatchSize = Math.min(
      this.#maxQueueSize,
      options.maxExportBatchSize ?? getNumberFromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE') ?? 512,
    );
    this.#delay =
      options.scheduledDelayMillis ?? getNumberFromEnv('OTEL_BSP_SCHEDULE_DELAY') ?? 5000;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.#shutDown || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.#count + this.#exporting >= this.#maxQueueSize) {
      if (this.#dropped++ === 0) diag.warn('EncodingSpanProcessor: queue full, dropping spans');
      return;
    }
    try {
      const writer = this.#writerFor(span.resource, span.instrumentationScope);
      const before = writer.pos;
      try {
        writeSpan(writer, span);
      } catch (error) {
        writer.pos = before;
        throw error;
      }
    } catch (error) {
      diag.error('EncodingSpanProcessor: could not encode a span', error);
      return;
    }
    this.#count++;
    if (this.#count >= this.#maxExportBatchSize) this.#flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.#flush(), this.#delay);
      this.#timer.unref();
    }
  }

  #writerFor(resource: Resource, scope: InstrumentationScope): ProtoWriter {
    if (this.#lastWriter && this.#lastResource === resource && this.#lastScope === scope) {
      return this.#lastWriter;
    }
    let batch = this.#pending.get(resource);
    if (!batch) {
      batch = { resource, scopes: new Map() };
      this.#pending.set(resource, batch);
    }
    let writer = batch.scopes.get(scope);
    if (!writer) {
      writer = new ProtoWriter();
      batch.scopes.set(scope, writer);
    }
    this.#lastResource = resource;
    this.#lastScope = scope;
    this.#lastWriter = writer;
    return writer;
  }

  /** Hands what is pending to the exporter; resolves when that export has finished. */
  #flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#count === 0) return Promise.resolve();
    const spans: EncodedSpans = { batches: [...this.#pending.values()], count: this.#count };
    this.#pending = new Map();
    this.#lastWriter = undefined;
    this.#count = 0;
    if (this.#dropped > 0) {
      diag.warn(`EncodingSpanProcessor: dropped ${this.#dropped} spans, the queue was full`);
      this.#dropped = 0;
    }
    this.#exporting += spans.count;
    const exported = this.#export(spans).finally(() => {
      this.#exporting -= spans.count;
      this.#inFlight.delete(exported);
    });
    this.#inFlight.add(exported);
    return exported;
  }

  async #export(spans: EncodedSpans): Promise<void> {
    const pending = new Set<Resource>();
    for (const { resource } of spans.batches) {
      if (resource.asyncAttributesPending && resource.waitForAsyncAttributes) pending.add(resource);
    }
    await Promise.all([...pending].map((resource) => resource.waitForAsyncAttributes?.()));
    // The export's own HTTP request is not traced.
    const result = await new Promise<ExportResult>((resolve) =>
      context.with(suppressTracing(context.active()), () => this.#exporter.export(spans, resolve)),
    );
    if (result.code !== ExportResultCode.SUCCESS) {
      diag.error(`EncodingSpanProcessor: export of ${spans.count} spans failed`, result.error);
    }
  }

  async forceFlush(): Promise<void> {
    await this.#flush();
    await Promise.all([...this.#inFlight]);
    await this.#exporter.forceFlush?.();
  }

  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    await this.forceFlush();
    this.#shutDown = true;
    await this.#exporter.shutdown();
  }
}

/**
 * The span processor the services use: spans written at end() and sent by the SDK's OTLP/HTTP
 * protobuf transport, when the environment asks for what the SDK would do by default (the OTLP
 * exporter over http/protobuf). Anything else (another exporter or protocol, several exporters)
 * is left to the SDK: undefined.
 */
export function encodingSpanProcessorFromEnv(): SpanProcessor | undefined {
  const exporters = getStringFromEnv('OTEL_TRACES_EXPORTER') ?? 'otlp';
  const protocol =
    getStringFromEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ??
    getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL') ??
    'http/protobuf';
  if (exporters.trim() !== 'otlp' || protocol.trim() !== 'http/protobuf') return undefined;
  return new EncodingSpanProcessor({ exporter: new EncodedSpanExporter() });
}
