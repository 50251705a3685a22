import { randomBytes } from 'node:crypto';
import { type Span, SpanKind, spanKindNumber } from '@tracing-demo/otlp';

/** A span as the test wants it, in the otlp model's terms; turned into OTLP/JSON by `toOtlp`. */
export type SyntheticSpan = Pick<
  Span,
  'traceId' | 'spanId' | 'parentSpanId' | 'service' | 'name' | 'kind' | 'startMs' | 'durationMs'
> & {
  error?: boolean;
  attributes?: Record<string, string | number | boolean>;
};

export const newTraceId = () => randomBytes(16).toString('hex');
export const newSpanId = () => randomBytes(8).toString('hex');

/** The topology every synthetic trace follows; service graph edges are checked against it. */
export const TOPOLOGY = [
  ['api-gateway', 'order-service'],
  ['order-service', 'payment-service'],
] as const;

/**
 * gateway SERVER → gateway CLIENT → order SERVER → order CLIENT → payment SERVER (+ INTERNAL):
 * six spans over three services, with an error deep in the tree (payment's INTERNAL span) or a
 * slow root when asked.
 */
export function syntheticTrace(options: {
  error?: boolean;
  durationMs?: number;
  startMs?: number;
  attributes?: Record<string, string | number | boolean>;
}): SyntheticSpan[] {
  const traceId = newTraceId();
  const start = options.startMs ?? Date.now() - (options.durationMs ?? 50) - 10;
  const total = options.durationMs ?? 50;
  const ids = Array.from({ length: 6 }, newSpanId);
  const span = (
    i: number,
    parent: number | undefined,
    service: string,
    name: string,
    kind: SpanKind,
    offset: number,
    duration: number,
  ): SyntheticSpan => ({
    traceId,
    spanId: ids[i] as string,
    ...(parent === undefined ? {} : { parentSpanId: ids[parent] as string }),
    service,
    name,
    kind,
    startMs: start + offset,
    durationMs: duration,
    attributes: options.attributes,
  });
  const spans = [
    span(0, undefined, 'api-gateway', 'POST /api/orders', SpanKind.SERVER, 0, total),
    span(1, 0, 'api-gateway', 'POST', SpanKind.CLIENT, 1, total - 2),
    span(2, 1, 'order-service', 'POST /orders', SpanKind.SERVER, 2, total - 4),
    span(3, 2, 'order-service', 'POST', SpanKind.CLIENT, 3, total - 6),
    span(4, 3, 'payment-service', 'POST /charges', SpanKind.SERVER, 4, total - 8),
    span(5, 4, 'payment-service', 'chargePayment', SpanKind.INTERNAL, 5, total - 10),
  ];
  if (options.error) (spans[5] as SyntheticSpan).error = true;
  return spans;
}

/** A span that arrives after its trace's decision: a child of the root, like a late consumer. */
export function lateChild(trace: SyntheticSpan[]): SyntheticSpan {
  const root = trace[0] as SyntheticSpan;
  return {
    traceId: root.traceId,
    spanId: newSpanId(),
    parentSpanId: root.spanId,
    service: 'fulfillment-worker',
    name: 'late consume',
    kind: SpanKind.CONSUMER,
    startMs: root.startMs + root.durationMs + 1,
    durationMs: 5,
  };
}

const ms = (value: number) => String(BigInt(Math.round(value * 1000)) * 1000n);

function attributeValue(value: string | number | boolean) {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** OTLP/JSON export request, one resource per service. */
export function toOtlp(spans: SyntheticSpan[]): object {
  const byService = new Map<string, SyntheticSpan[]>();
  for (const span of spans)
    byService.set(span.service, [...(byService.get(span.service) ?? []), span]);
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [
        {
          scope: { name: 'synthetic' },
          spans: list.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: spanKindNumber(s.kind),
            startTimeUnixNano: ms(s.startMs),
            endTimeUnixNano: ms(s.startMs + s.durationMs),
            attributes: Object.entries(s.attributes ?? {}).map(([key, value]) => ({
              key,
              value: attributeValue(value),
            })),
            status: s.error ? { code: 2, message: 'synthetic failure' } : { code: 0 },
          })),
        },
      ],
    })),
  };
}

/** POSTs spans to an OTLP/HTTP receiver as JSON; returns the HTTP status. */
export function sendSpans(otlpHttpUrl: string, spans: SyntheticSpan[]): Promise<number> {
  return postTraces(otlpHttpUrl, toOtlp(spans));
}

/** POSTs an OTLP/JSON trace export request as it is (any shape a test needs); the HTTP status. */
export async function postTraces(otlpHttpUrl: string, request: object): Promise<number> {
  const response = await fetch(`${otlpHttpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  await response.arrayBuffer();
  return response.status;
}
