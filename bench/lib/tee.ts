/**
 * An OTLP/HTTP tee: every export request the services send is forwarded, byte for byte, to each
 * upstream collector, so two pipelines see exactly the same spans. Answers with the worst
 * upstream status.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Tee {
  url: string;
  requests: number;
  failures: number;
  close(): Promise<void>;
}

export async function startTee(upstreams: string[]): Promise<Tee> {
  const state = { requests: 0, failures: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      state.requests++;
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {
        'content-type': String(request.headers['content-type'] ?? 'application/x-protobuf'),
      };
      if (request.headers['content-encoding']) {
        headers['content-encoding'] = String(request.headers['content-encoding']);
      }
      const statuses = await Promise.all(
        upstreams.map(async (upstream) => {
          try {
            const answer = await fetch(`${upstream}${request.url}`, {
              method: 'POST',
              headers,
              body,
            });
            await answer.arrayBuffer();
            return answer.status;
          } catch {
            return 502;
          }
        }),
      );
      const worst = Math.max(...statuses);
      if (worst >= 300) state.failures++;
      response.writeHead(worst, { 'content-type': headers['content-type'] as string }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get failures() {
      return state.failures;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
