import type { AttributeValue, Span, SpanKind } from './span.js';

interface LegacyTag {
  key: string;
  type?: string;
  value: AttributeValue;
}
interface LegacySpan {
  traceID: string;
  spanID: string;
  operationName?: string;
  references?: { refType?: string; traceID?: string; spanID?: string }[];
  /** Microseconds since the epoch. */
  startTime?: number;
  /** Microseconds. */
  duration?: number;
  tags?: LegacyTag[];
  /** Span events: the event's name is the `event` field. */
  logs?: { timestamp?: number; fields?: LegacyTag[] }[];
  processID?: string;
}
/** A trace as Jaeger's legacy `/api/traces` answers it (the Jaeger UI's model). */
export interface LegacyTrace {
  traceID: string;
  spans?: LegacySpan[];
  processes?: Record<string, { serviceName?: string; tags?: LegacyTag[] }>;
}

const LEGACY_KINDS: Record<string, SpanKind> = {
  internal: 'INTERNAL',
  server: 'SERVER',
  client: 'CLIENT',
  producer: 'PRODUCER',
  consumer: 'CONSUMER',
};
// Tags Jaeger derives from OTLP fields when it converts spans to its own model.
const DERIVED_TAGS = new Set([
  'span.kind',
  'error',
  'otel.status_code',
  'otel.status_description',
  'otel.scope.name',
  'otel.scope.version',
]);

const hexId = (id: string, digits: number) => id.toLowerCase().padStart(digits, '0');
const tagMap = (tags: LegacyTag[] | undefined) =>
  Object.fromEntries((tags ?? []).map((t) => [t.key, t.value])) as Record<string, AttributeValue>;

/**
 * A legacy trace as normalized spans: kind and status from the tags Jaeger derives from OTLP
 * (`span.kind`, `otel.status_code`, `otel.status_description`, `error`), the parent from the
 * CHILD_OF reference, the resource from the span's process.
 */
export function spansFromLegacy(trace: LegacyTrace): Span[] {
  return (trace.spans ?? []).map((span): Span => {
    const tags = tagMap(span.tags);
    const process = trace.processes?.[span.processID ?? ''];
    const service = process?.serviceName ?? 'unknown_service';
    const references = span.references ?? [];
    // The parent is the CHILD_OF reference; Jaeger writes an OTLP span's links as the others.
    const parent = references.find((r) => r.refType === 'CHILD_OF') ?? references[0];
    const statusCode = tags['otel.status_code'];
    const failed = statusCode === 'ERROR' || tags.error === true;
    const message = tags['otel.status_description'];
    const startMs = (span.startTime ?? 0) / 1000;
    const durationMs = (span.duration ?? 0) / 1000;
    return {
      traceId: hexId(span.traceID, 32),
      spanId: hexId(span.spanID, 16),
      ...(parent?.spanID ? { parentSpanId: hexId(parent.spanID, 16) } : {}),
      service,
      name: span.operationName ?? '',
      kind: LEGACY_KINDS[String(tags['span.kind'])] ?? 'UNSPECIFIED',
      startMs,
      endMs: startMs + durationMs,
      durationMs,
      status: {
        code: failed ? 'ERROR' : statusCode === 'OK' ? 'OK' : 'UNSET',
        ...(failed && typeof message === 'string' && message ? { message } : {}),
      },
      attributes: Object.fromEntries(
        Object.entries(tags).filter(([key]) => !DERIVED_TAGS.has(key)),
      ),
      events: (span.logs ?? []).map((log) => {
        const { event, ...attributes } = tagMap(log.fields);
        return { name: String(event ?? ''), timeMs: (log.timestamp ?? 0) / 1000, attributes };
      }),
      links: references
        .filter((r) => r !== parent)
        .map((r) => ({
          traceId: hexId(r.traceID ?? span.traceID, 32),
          spanId: hexId(r.spanID ?? '', 16),
          attributes: {},
        })),
      resource: { 'service.name': service, ...tagMap(process?.tags) },
    };
  });
}
