/**
 * The one span shape of the repository, and its decoding from OTLP JSON in any of its wrappings
 * (an export request, Jaeger's api/v3 `result`, Tempo's `batches` or `trace`): ids in hex
 * (Jaeger, OTLP) or base64 (Tempo), enums as names or numbers.
 */

/** OTLP span kinds by name, in wire order (a kind's number is its index). */
export const SpanKind = {
  UNSPECIFIED: 'UNSPECIFIED',
  INTERNAL: 'INTERNAL',
  SERVER: 'SERVER',
  CLIENT: 'CLIENT',
  PRODUCER: 'PRODUCER',
  CONSUMER: 'CONSUMER',
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** OTLP status codes by name, in wire order. */
export const StatusCode = { UNSET: 'UNSET', OK: 'OK', ERROR: 'ERROR' } as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Record<string, AttributeValue>;
}

/** A link to another span, e.g. the caller's context the public edge does not continue. */
export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Record<string, AttributeValue>;
}

/**
 * A span, normalized:
 * - ids are lowercase hex (32 digits for the trace, 16 for spans); a root has no parentSpanId;
 * - times are Unix epoch milliseconds with microsecond precision (`durationMs` is exact);
 * - `service` is the resource's `service.name`, `resource` all of its attributes;
 * - `kind` and `status.code` are the OTLP names without their prefixes.
 */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  service: string;
  name: string;
  kind: SpanKind;
  startMs: number;
  endMs: number;
  durationMs: number;
  status: { code: StatusCode; message?: string };
  attributes: Record<string, AttributeValue>;
  events: SpanEvent[];
  links: SpanLink[];
  resource: Record<string, AttributeValue>;
}

const KINDS = Object.values(SpanKind);
const STATUS_CODES = Object.values(StatusCode);

/** A kind's number on the wire, for writing OTLP. */
export const spanKindNumber = (kind: SpanKind): number => KINDS.indexOf(kind);

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: string | number;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: OtlpKeyValue[];
  events?: { name?: string; timeUnixNano?: string | number; attributes?: OtlpKeyValue[] }[];
  links?: { traceId?: string; spanId?: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: string | number; message?: string };
}
interface OtlpResourceSpans {
  resource?: { attributes?: OtlpKeyValue[] };
  scopeSpans?: { spans?: OtlpSpan[] }[];
  /** The name before OTLP 0.19, still produced by some exporters. */
  instrumentationLibrarySpans?: { spans?: OtlpSpan[] }[];
}
/**
 * An OTLP export request (`resourceSpans`), Jaeger's /api/v3/traces (`result`), Tempo's
 * /api/traces/<id> (`batches`) or /api/v2/traces/<id> (`trace`).
 */
export interface OtlpTraceDocument {
  batches?: OtlpResourceSpans[];
  resourceSpans?: OtlpResourceSpans[];
  trace?: { resourceSpans?: OtlpResourceSpans[] };
  result?: { resourceSpans?: OtlpResourceSpans[] };
}

/**
 * An id as lowercase hex: OTLP/JSON and Jaeger say hex, Tempo's protobuf-JSON says base64. Hex of
 * the expected length is taken as hex (a base64 id of 8 or 16 bytes never has that length).
 * All-zero and empty ids are no id.
 */
export function idToHex(id: string | undefined, bytes: 8 | 16): string | undefined {
  if (!id) return undefined;
  const hex =
    id.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(id)
      ? id.toLowerCase()
      : Buffer.from(id, 'base64').toString('hex');
  return /^0*$/.test(hex) ? undefined : hex;
}

function decodeValue(value: OtlpAnyValue | undefined): AttributeValue {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decodeValue);
  if (value.kvlistValue) return decodeAttributes(value.kvlistValue.values);
  return null;
}

function decodeAttributes(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, decodeValue(kv.value)]));
}

/** An OTLP enum as its short name, from a number or a prefixed name; the first name if unknown. */
function enumName<T extends string>(
  value: string | number | undefined,
  names: readonly T[],
  prefix: string,
): T {
  const fallback = names[0] as T;
  if (typeof value === 'number') return names[value] ?? fallback;
  const name = (value ?? '').replace(prefix, '') as T;
  return names.includes(name) ? name : fallback;
}

const nanos = (value: string | number | undefined) => BigInt(value ?? 0);
/** Nanoseconds as milliseconds, to the microsecond (what a double holds exactly at epoch times). */
const toMs = (ns: bigint) => Number(ns / 1000n) / 1000;

/** Every span of an OTLP JSON trace document, normalized; resource order, then span order. */
export function spansFromOtlp(document: OtlpTraceDocument): Span[] {
  const resourceSpans =
    document.batches ??
    document.trace?.resourceSpans ??
    document.result?.resourceSpans ??
    document.resourceSpans;
  const spans: Span[] = [];
  for (const batch of resourceSpans ?? []) {
    const resource = decodeAttributes(batch.resource?.attributes);
    const service = resource['service.name'];
    for (const scope of batch.scopeSpans ?? batch.instrumentationLibrarySpans ?? []) {
      for (const span of scope.spans ?? []) {
        const start = nanos(span.startTimeUnixNano);
        const end = nanos(span.endTimeUnixNano);
        const message = span.status?.message;
        spans.push({
          traceId: idToHex(span.traceId, 16) ?? '',
          spanId: idToHex(span.spanId, 8) ?? '',
          parentSpanId: idToHex(span.parentSpanId, 8),
          service: typeof service === 'string' ? service : 'unknown_service',
          name: span.name ?? '',
          kind: enumName(span.kind, KINDS, 'SPAN_KIND_'),
          startMs: toMs(start),
          endMs: toMs(end),
          durationMs: end > start ? Number(end - start) / 1e6 : 0,
          status: {
            code: enumName(span.status?.code, STATUS_CODES, 'STATUS_CODE_'),
            ...(message ? { message } : {}),
          },
          attributes: decodeAttributes(span.attributes),
          events: (span.events ?? []).map((event) => ({
            name: event.name ?? '',
            timeMs: toMs(nanos(event.timeUnixNano)),
            attributes: decodeAttributes(event.attributes),
          })),
          links: (span.links ?? []).map((link) => ({
            traceId: idToHex(link.traceId, 16) ?? '',
            spanId: idToHex(link.spanId, 8) ?? '',
            attributes: decodeAttributes(link.attributes),
          })),
          resource,
        });
      }
    }
  }
  return spans;
}
