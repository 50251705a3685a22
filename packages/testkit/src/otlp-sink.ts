import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** OTLP span kinds, as numbers on the wire. */
export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
/** OTLP status codes. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  service: string;
  name: string;
  kind: number;
  attributes: Record<string, AttributeValue>;
  status: { code: number; message?: string };
  events: { name: string; attributes: Record<string, AttributeValue> }[];
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  /** When the sink received it (process.hrtime.bigint()). */
  receivedAt: bigint;
}

interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
}

function decodeValue(value: OtlpAnyValue | undefined): AttributeValue {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decodeValue);
  return null;
}

function decodeAttributes(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, decodeValue(kv.value)]));
}

// biome-ignore lint/suspicious/noExplicitAny: the OTLP/JSON document is walked structurally.
function decodeExport(document: any): CollectedSpan[] {
  const receivedAt = process.hrtime.bigint();
  const spans: CollectedSpan[] = [];
  for (const resourceSpans of document.resourceSpans ?? []) {
    const resource = decodeAttributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          service: String(resource['service.name']),
          name: span.name,
          kind: span.kind ?? 0,
          attributes: decodeAttributes(span.attributes),
          status: { code: span.status?.code ?? 0, message: span.status?.message },
          events: (span.events ?? []).map(
            (event: { name: string; attributes?: OtlpKeyValue[] }) => ({
              name: event.name,
              attributes: decodeAttributes(event.attributes),
            }),
          ),
          startTimeUnixNano: BigInt(span.startTimeUnixNano ?? 0),
          endTimeUnixNano: BigInt(span.endTimeUnixNano ?? 0),
          receivedAt,
        });
      }
    }
  }
  return spans;
}

export interface OtlpSink {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT (the SDK appends /v1/traces). */
  url: string;
  spans: CollectedSpan[];
  /** Every export request body as received, for searching planted secrets. */
  rawBodies: string[];
  trace(traceId: string): CollectedSpan[];
  close(): Promise<void>;
}

/**
 * A minimal OTLP/HTTP receiver for `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`: it keeps every span
 * it is sent. It stands in for the collector only where a test is about what the services emit.
 */
export async function startOtlpSink(options: { port?: number } = {}): Promise<OtlpSink> {
  const spans: CollectedSpan[] = [];
  const rawBodies: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      // The collector's OTLP/HTTP exporter gzips by default; the SDKs do not.
      const gzipped = request.headers['content-encoding'] === 'gzip';
      const body = (gzipped ? gunzipSync(raw) : raw).toString('utf8');
      try {
        const document = JSON.parse(body);
        rawBodies.push(body);
        spans.push(...decodeExport(document));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        response.writeHead(400).end('expected OTLP/JSON');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    rawBodies,
    trace: (traceId) => spans.filter((span) => span.traceId === traceId),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
