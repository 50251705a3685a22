import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHttpClientSpan } from '../src/client-span.js';
import { memoryTracing } from './memory-tracing.js';

/** The SDK's tracer with spans kept in memory, and a real server answering fetch with `?status`. */
const { exporter, provider } = memoryTracing();
const received: IncomingHttpHeaders[] = [];
const server = createServer((request, response) => {
  received.push(request.headers);
  const status = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('status'));
  response.writeHead(status || 200, { 'content-type': 'application/json' }).end('{}');
});
let base = '';

beforeAll(async () => {
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  trace.disable();
  propagation.disable();
  server.close();
  await provider.shutdown();
});

beforeEach(() => {
  exporter.reset();
  received.length = 0;
});

/** One fetch the way service-kit's callService makes it. */
async function call(path: string) {
  const url = `${base}${path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  const hop = startHttpClientSpan('POST', url, headers);
  const response = await fetch(url, { method: 'POST', headers });
  await response.text();
  hop.answered(response.status);
  hop.failed(new Error('a second end changes nothing'));
  const [span, ...more] = exporter.getFinishedSpans();
  expect(more).toHaveLength(0);
  return { span: span as NonNullable<typeof span>, sent: received[0] };
}

describe('startHttpClientSpan', () => {
  it('makes one CLIENT span and sends its context as traceparent', async () => {
    const { span, sent } = await call('/charges?email=someone@example.com');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.name).toBe('POST');
    expect(sent?.traceparent).toBe(
      `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
    );
    expect(span.attributes).toEqual({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(base).port),
      'url.full': `${base}/charges`,
      'http.response.status_code': 200,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it.each([402, 503])('marks a %i answer an error, as the caller sees it', async (status) => {
    const { span } = await call(`/charges?status=${status}`);
    expect(span.attributes['http.response.status_code']).toBe(status);
    expect(span.attributes['error.type']).toBe(String(status));
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('records a request that got no answer as failed, with its error', async () => {
    const url = 'http://127.0.0.1:1/charges';
    const hop = startHttpClientSpan('GET', url, {});
    const error = await fetch(url).catch((failure: unknown) => failure);
    hop.failed(error);
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes['error.type']).toBe('TypeError');
    expect(span?.attributes['server.port']).toBe(1);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
  });
});
