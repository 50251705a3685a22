/**
 * An OTLP/HTTP receiver that answers 200 and keeps nothing but counts: the trace store's
 * stand-in where a benchmark measures the collector, so the sink costs next to nothing
 * (testkit's sink decodes and keeps every span as JSON, which at tens of thousands of spans a
 * second would compete with what is measured). Spans exported are counted from the collector's
 * own metrics.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NullSink {
  url: string;
  requests: number;
  bytes: number;
  close(): Promise<void>;
}

export async function startNullSink(): Promise<NullSink> {
  const sink = { requests: 0, bytes: 0 };
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => {
      sink.bytes += chunk.length;
    });
    request.on('end', () => {
      sink.requests++;
      const json = String(request.headers['content-type']).includes('json');
      // An empty ExportTraceServiceResponse in either encoding.
      response
        .writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
        .end(json ? '{}' : '');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return sink.requests;
    },
    get bytes() {
      return sink.bytes;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
