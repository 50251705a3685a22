/**
 * The one span shape the CLI works with, and the conversion from what the trace stores answer:
 * OTLP JSON in any of its wrappings (Jaeger's api/v3 `result`, Tempo's `batches` or `trace`),
 * ids in hex (Jaeger, OTLP) or base64 (Tempo), enums as names or numbers.
 */

export type SpanKind = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type StatusCode = 'UNSET' | 'OK' | 'ERROR';
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/**
 * A span, normalized:
 * - ids are lowercase hex (32 digits for the trace, 16 for spans); a root has no parentSpanId;
 * - times are Unix epoch milliseconds with microsecond precision (`durationMs` is exact);
 * - `service` is the resource's `service.name`, `resource` the rest of its attributes;
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
  resource: Record<string, AttributeValue>;
}

const KINDS: SpanKind[] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES: StatusCode[] = ['UNSET', 'OK', 'ERROR'];

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
  status?: { code?: string | number; message?: string };
}
interface OtlpResourceSpans {
  resource?: { attributes?: OtlpKeyValue[] };
  scopeSpans?: { spans?: OtlpSpan[] }[];
  /** The name before OTLP 0.19, still produced by some exporters. */
  instrumentationLibrarySpans?: { spans?: OtlpSpan[] }[];
}
/**
 * Jaeger's /api/v3/traces (`result`), Tempo's /api/traces/<id> (`batches`) and /api/v2/traces/<id>
 * (`trace`), or an OTLP export (`resourceSpans`).
 */
export interface OtlpTraceDocument {
  batches?: OtlpResourceSpans[];
  resourceSpans?: OtlpResourceSpans[];
  trace?: { resourceSpans?: OtlpResourceSpans[] };
  result?: { resourceSpans?: OtlpResourceSpans[] };
}

/**
 * An id as lowercase hex: OTLP/JSON and Jaeger say hex, Tempo's protobuf-JSON says base64. Hex of the
 * expected length is taken as hex (a base64 id of 8 or 16 bytes never has that length).
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
  names: T[],
  prefix: string,
): T {
  const fallback = names[0] as T;
  if (typeof value === 'number') return names[value] ?? fallback;
  const name = (value ?? '').replace(prefix, '') as T;
  return names.includes(name) ? name : fallback;
}

const nanos = (value: string | number | undefined) => BigInt(value ?? 0);

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
          startMs: Number(start / 1000n) / 1000,
          endMs: Number(end / 1000n) / 1000,
          durationMs: end > start ? Number(end - start) / 1e6 : 0,
          status: {
            code: enumName(span.status?.code, STATUS_CODES, 'STATUS_CODE_'),
            ...(message ? { message } : {}),
          },
          attributes: decodeAttributes(span.attributes),
          resource,
        });
      }
    }
  }
  return spans;
}
