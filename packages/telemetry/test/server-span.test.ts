import type { IncomingMessage } from 'node:http';
import type { Span } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { describeServerSpan, type ServerRequest } from '../src/server-span.js';

/** What describeServerSpan did to a span: its name and the attributes it set. */
function described(request: ServerRequest) {
  const seen = { name: 'request', attributes: {} as Record<string, unknown> };
  const span = {
    updateName: (name: string) => {
      seen.name = name;
      return span;
    },
    setAttributes: (attributes: Record<string, unknown>) => {
      Object.assign(seen.attributes, attributes);
      return span;
    },
  } as unknown as Span;
  describeServerSpan(span, request);
  return seen;
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
    expect(described(request('/orders/42', '/orders/:id')).name).toBe('GET /orders/:id');
  });

  it('names it by the method alone when no route matched (a 404)', () => {
    expect(described(request('/no/such/thing', undefined)).name).toBe('GET');
  });

  it('records the path without the query string, the scheme and the request id', () => {
    expect(described(request('/orders?email=a@example.com&x=1', '/orders')).attributes).toEqual({
      'url.path': '/orders',
      'url.scheme': 'http',
      'app.request.id': 'req-1',
    });
  });
});
