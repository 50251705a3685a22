import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { type OtlpTraceDocument, type Span, spansFromOtlp } from '@tracing-demo/otlp';

/** A span as the sink received it. */
export interface CollectedSpan extends Span {
  /** When the sink received it (process.hrtime.bigint()). */
  receivedAt: bigint;
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
        const document = JSON.parse(body) as OtlpTraceDocument;
        rawBodies.push(body);
        const receivedAt = process.hrtime.bigint();
        for (const span of spansFromOtlp(document)) spans.push({ ...span, receivedAt });
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
