import type { IncomingMessage } from 'node:http';
import { type Span, type SpanStatus, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { describeServerSpan, type ServerRequest } from '../src/server-span.js';

/** What describeServerSpan did to a span: its name, the attributes and status it set. */
function described(request: ServerRequest) {
  const seen = {
    name: 'request',
    attributes: {} as Record<string, unknown>,
    status: undefined as SpanStatus | undefined,
    ended: false,
  };
  // Shaped like the SDK's span: what setAttributes set is readable as `attributes`.
  const span = {
    attributes: seen.attributes,
    updateName: (name: string) => {
      seen.name = name;
      return span;
    },
    setAttributes: (attributes: Record<string, unknown>) => {
      Object.assign(seen.attributes, attributes);
      return span;
    },
    setStatus: (status: SpanStatus) => {
      seen.status = status;
      return span;
    },
    end: () => {
      seen.ended = true;
    },
  } as unknown as Span;
  describeServerSpan(span, request);
  return { span, seen };
}

const request = (url: string, route: string | undefined): ServerRequest => ({
  method: 'GET',
  url,
  protocol: 'http',
  id: 'req-1',
  raw: { headers: {} } as IncomingMessage,
  routeOptions: { url: route },
});

describe('describeServerSpan', () => {
  it('names the span by method and route, not by the concrete path', () => {
    expect(described(request('/orders/42', '/orders/:id')).seen.name).toBe('GET /orders/:id');
  });

  it('names it by the method alone when no route matched (a 404)', () => {
    expect(described(request('/no/such/thing', undefined)).seen.name).toBe('GET');
  });

  it('records the path without the query string, the scheme and the request id', () => {
    expect(
      described(request('/orders?email=a@example.com&x=1', '/orders')).seen.attributes,
    ).toEqual({
      'url.path': '/orders',
      'url.scheme': 'http',
      'app.request.id': 'req-1',
    });
  });

  // Found by the API fuzz: every 400 and 401 counted as a server error and paged.
  it.each([
    [400, undefined],
    [401, undefined],
    [404, undefined],
    [502, SpanStatusCode.ERROR],
    [503, SpanStatusCode.ERROR],
  ])('marks the span failed after a thrown error only for a 5xx: %i', (statusCode, expected) => {
    const { span, seen } = described(request('/orders', '/orders'));

    // What @fastify/otel does: ERROR when the request throws, the status code just before end.
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'invalid request' });
    span.setAttributes({ 'http.response.status_code': statusCode });
    span.end();

    expect(seen.ended).toBe(true);
    expect(seen.status?.code).toBe(expected);
    if (expected) expect(seen.status?.message).toBe('invalid request');
  });

  it('keeps the error of a span that ends without a status code (an aborted request)', () => {
    const { span, seen } = described(request('/orders', '/orders'));

    span.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted' });
    span.end();

    expect(seen.status).toEqual({ code: SpanStatusCode.ERROR, message: 'aborted' });
  });

  it('passes any other status through at once', () => {
    const { span, seen } = described(request('/orders', '/orders'));

    span.setStatus({ code: SpanStatusCode.OK });

    expect(seen.status).toEqual({ code: SpanStatusCode.OK });
  });
});
