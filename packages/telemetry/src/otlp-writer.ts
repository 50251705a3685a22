/**
 * OTLP protobuf for one span at a time (opentelemetry/proto trace/v1, common/v1, resource/v1),
 * written in one pass: the same bytes as otlp-transformer's ProtobufTraceSerializer, which
 * walks every batch twice (size, then bytes) and decodes every id from hex into a new array.
 */
import type { Attributes, AttributeValue, HrTime, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

const LENGTH_DELIMITED = 2;
const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;
const TWO_32 = 4294967296;
/** A string this short has at most 127 UTF-8 bytes: its length fits the one reserved byte. */
const SHORT_STRING = 42;

/** Node's own Buffer writers, without Buffer#write's argument parsing (not in @types/node). */
type NodeBuffer = Buffer & {
  utf8Write(value: string, offset: number, length?: number): number;
  hexWrite(value: string, offset: number, length?: number): number;
};

const varintSize = (value: number): number => {
  let size = 1;
  for (let v = value >>> 0; v > 127; v >>>= 7) size++;
  return size;
};

export class ProtoWriter {
  buffer: NodeBuffer;
  pos = 0;

  constructor(size = 16 * 1024) {
    this.buffer = Buffer.allocUnsafe(size) as NodeBuffer;
  }

  ensure(bytes: number): void {
    const needed = this.pos + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size) as NodeBuffer;
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.pos);
  }

  varint(value: number): void {
    this.ensure(10);
    const buffer = this.buffer;
    if (value >= 0 && value < TWO_32) {
      let v = value >>> 0;
      while (v > 127) {
        buffer[this.pos++] = (v & 127) | 128;
        v >>>= 7;
      }
      buffer[this.pos++] = v;
      return;
    }
    // int64 as protobuf has it: two's complement, ten bytes when negative.
    let low: number;
    let high: number;
    if (value >= 0) {
      low = value >>> 0;
      high = (value / TWO_32) >>> 0;
    } else {
      const abs = -value;
      low = ~(abs >>> 0) >>> 0;
      high = ~((abs / TWO_32) >>> 0) >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 127) {
      buffer[this.pos++] = (low & 127) | 128;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buffer[this.pos++] = low;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.#uint32(value >>> 0);
  }

  #uint32(value: number): void {
    const buffer = this.buffer;
    buffer[this.pos++] = value & 0xff;
    buffer[this.pos++] = (value >>> 8) & 0xff;
    buffer[this.pos++] = (value >>> 16) & 0xff;
    buffer[this.pos++] = value >>> 24;
  }

  /** HrTime [seconds, nanoseconds] as fixed64 nanoseconds since the epoch. */
  time(time: HrTime): void {
    // seconds × 1e9 + nanos exceeds 2^53: split so that every product stays exact.
    const seconds = time[0];
    const secondsHigh = Math.floor(seconds / 65536);
    const scaled = secondsHigh * 1e9;
    const scaledHigh = Math.floor(scaled / 65536);
    const low =
      (scaled - scaledHigh * 65536) * 65536 + (seconds - secondsHigh * 65536) * 1e9 + time[1];
    const carry = Math.floor(low / TWO_32);
    this.ensure(8);
    this.#uint32(low - carry * TWO_32);
    this.#uint32(scaledHigh + carry);
  }

  double(value: number): void {
    this.ensure(8);
    this.buffer.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  string(value: string): void {
    const length = value.length;
    if (length <= SHORT_STRING) {
      this.ensure(1 + 3 * length);
      const written = this.buffer.utf8Write(value, this.pos + 1);
      this.buffer[this.pos] = written;
      this.pos += 1 + written;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buffer.utf8Write(value, this.pos, bytes);
  }

  /** An id the SDK keeps as lowercase hex, written as its bytes. */
  hexBytes(hex: string): void {
    const bytes = hex.length >>> 1;
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buffer.hexWrite(hex, this.pos, bytes);
  }

  rawBytes(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Starts a length-delimited field; one byte is reserved for its length. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length at `start`, moving the body when the length needs more than a byte. */
  end(start: number): void {
    const length = this.pos - start - 1;
    if (length < 128) {
      this.buffer[start] = length;
      return;
    }
    const size = varintSize(length);
    this.ensure(size - 1);
    this.buffer.copyWithin(start + size, start + 1, this.pos);
    const pos = this.pos + size - 1;
    this.pos = start;
    this.varint(length);
    this.pos = pos;
  }
}

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

function anyValue(w: ProtoWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.tag(1, LENGTH_DELIMITED);
      w.string(value);
      return;
    case 'boolean':
      w.tag(2, 0);
      w.varint(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        w.tag(3, 0);
        w.varint(value);
      } else {
        w.tag(4, 1);
        w.double(value);
      }
      return;
  }
  if (value instanceof Uint8Array) {
    w.tag(7, LENGTH_DELIMITED);
    w.rawBytes(value);
  } else if (Array.isArray(value)) {
    w.tag(5, LENGTH_DELIMITED);
    const array = w.begin();
    for (const item of value) {
      w.tag(1, LENGTH_DELIMITED);
      const start = w.begin();
      anyValue(w, item);
      w.end(start);
    }
    w.end(array);
  } else if (typeof value === 'object' && value !== null) {
    w.tag(6, LENGTH_DELIMITED);
    const list = w.begin();
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      w.tag(1, LENGTH_DELIMITED);
      keyValue(w, key, (value as Record<string, unknown>)[key]);
    }
    w.end(list);
  }
}

function keyValue(w: ProtoWriter, key: string, value: unknown): void {
  const pair = w.begin();
  w.tag(1, LENGTH_DELIMITED);
  w.string(key);
  w.tag(2, LENGTH_DELIMITED);
  const start = w.begin();
  anyValue(w, value);
  w.end(start);
  w.end(pair);
}

function attributes(w: ProtoWriter, values: Attributes, field: number): void {
  for (const key in values) {
    if (!Object.hasOwn(values, key)) continue;
    w.tag(field, LENGTH_DELIMITED);
    keyValue(w, key, values[key] as AttributeValue | undefined);
  }
}

const spanFlags = (context: SpanContext, parentIsRemote: boolean | undefined): number =>
  (context.traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (parentIsRemote ? FLAGS_IS_REMOTE : 0);

/** A Span message, with its tag as field 2 of ScopeSpans. */
export function writeSpan(w: ProtoWriter, span: ReadableSpan): void {
  w.tag(2, LENGTH_DELIMITED);
  const start = w.begin();
  const context = span.spanContext();
  w.tag(1, LENGTH_DELIMITED);
  w.hexBytes(context.traceId);
  w.tag(2, LENGTH_DELIMITED);
  w.hexBytes(context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) {
    w.tag(3, LENGTH_DELIMITED);
    w.string(traceState);
  }
  const parent = span.parentSpanContext;
  if (parent?.spanId) {
    w.tag(4, LENGTH_DELIMITED);
    w.hexBytes(parent.spanId);
  }
  w.tag(5, LENGTH_DELIMITED);
  w.string(span.name);
  // The API's kinds start at INTERNAL = 0, the proto's at UNSPECIFIED = 0.
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    w.tag(6, 0);
    w.varint(kind);
  }
  w.tag(7, 1);
  w.time(span.startTime);
  w.tag(8, 1);
  w.time(span.endTime);
  if (span.attributes) attributes(w, span.attributes, 9);
  w.tag(10, 0);
  w.varint(span.droppedAttributesCount);
  for (const event of span.events) {
    w.tag(11, LENGTH_DELIMITED);
    const e = w.begin();
    w.tag(1, 1);
    w.time(event.time);
    w.tag(2, LENGTH_DELIMITED);
    w.string(event.name);
    if (event.attributes) attributes(w, event.attributes, 3);
    w.tag(4, 0);
    w.varint(event.droppedAttributesCount || 0);
    w.end(e);
  }
  w.tag(12, 0);
  w.varint(span.droppedEventsCount);
  for (const link of span.links) {
    w.tag(13, LENGTH_DELIMITED);
    const l = w.begin();
    w.tag(1, LENGTH_DELIMITED);
    w.hexBytes(link.context.traceId);
    w.tag(2, LENGTH_DELIMITED);
    w.hexBytes(link.context.spanId);
    const linkState = link.context.traceState?.serialize();
    if (linkState) {
      w.tag(3, LENGTH_DELIMITED);
      w.string(linkState);
    }
    if (link.attributes) attributes(w, link.attributes, 4);
    w.tag(5, 0);
    w.varint(link.droppedAttributesCount || 0);
    w.tag(6, 5);
    w.fixed32(spanFlags(link.context, link.context.isRemote));
    w.end(l);
  }
  w.tag(14, 0);
  w.varint(span.droppedLinksCount);
  w.tag(15, LENGTH_DELIMITED);
  const status = w.begin();
  if (span.status.message) {
    w.tag(2, LENGTH_DELIMITED);
    w.string(span.status.message);
  }
  w.tag(3, 0);
  w.varint(span.status.code);
  w.end(status);
  w.tag(16, 5);
  w.fixed32(spanFlags(context, parent?.isRemote));
  w.end(start);
}

/** InstrumentationScope as field 1 of ScopeSpans. */
export function writeScope(w: ProtoWriter, scope: InstrumentationScope): void {
  w.tag(1, LENGTH_DELIMITED);
  const start = w.begin();
  w.tag(1, LENGTH_DELIMITED);
  w.string(scope.name);
  if (scope.version) {
    w.tag(2, LENGTH_DELIMITED);
    w.string(scope.version);
  }
  w.end(start);
}

/** Resource as field 1 of ResourceSpans. */
export function writeResource(w: ProtoWriter, resource: Resource): void {
  w.tag(1, LENGTH_DELIMITED);
  const start = w.begin();
  if (resource.attributes) attributes(w, resource.attributes, 1);
  w.tag(2, 0);
  w.varint(0);
  w.end(start);
}

/** The spans of one resource, by scope, each scope's Span messages already written. */
export interface ResourceBatch {
  resource: Resource;
  scopes: Map<InstrumentationScope, ProtoWriter>;
}

/** An ExportTraceServiceRequest from spans already written per resource and scope. */
export function writeRequest(batches: Iterable<ResourceBatch>): Buffer {
  const w = new ProtoWriter(64 * 1024);
  for (const { resource, scopes } of batches) {
    w.tag(1, LENGTH_DELIMITED);
    const resourceSpans = w.begin();
    writeResource(w, resource);
    for (const [scope, spans] of scopes) {
      w.tag(2, LENGTH_DELIMITED);
      // Sized up front: the body is the scope and every span, too big to move afterwards.
      const header = new ProtoWriter(256);
      writeScope(header, scope);
      const schema = new ProtoWriter(64);
      if (scope.schemaUrl) {
        schema.tag(3, LENGTH_DELIMITED);
        schema.string(scope.schemaUrl);
      }
      w.varint(header.pos + spans.pos + schema.pos);
      for (const part of [header, spans, schema]) {
        w.ensure(part.pos);
        part.buffer.copy(w.buffer, w.pos, 0, part.pos);
        w.pos += part.pos;
      }
    }
    if (resource.schemaUrl) {
      w.tag(3, LENGTH_DELIMITED);
      w.string(resource.schemaUrl);
    }
    w.end(resourceSpans);
  }
  return w.bytes();
}
