import { describe, expect, it } from 'vitest';
import { offlineGatewayFixture } from './helpers.js';

const offline = offlineGatewayFixture();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const healthz = (headers: Record<string, string> = {}) =>
  offline.gateway.inject({ method: 'GET', url: '/healthz', headers });

describe('x-request-id', () => {
  it('echoes the id a caller sent', async () => {
    const response = await healthz({ 'x-request-id': 'checkout-7f3a.retry_2' });

    expect(response.headers['x-request-id']).toBe('checkout-7f3a.retry_2');
  });

  it('makes up a fresh UUID when the caller sent none', async () => {
    const first = await healthz();
    const second = await healthz();

    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).toMatch(UUID);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('sends the id on error responses too', async () => {
    const response = await offline.gateway.inject({
      method: 'GET',
      url: '/api/orders',
      headers: { 'x-request-id': 'req-401' },
    });

    expect(response.statusCode).toBe(401);
    expect(response.headers['x-request-id']).toBe('req-401');
  });

  it.each([
    ['spaces and quotes', 'id with "quotes"'],
    ['a log-injection attempt', 'abc\tlevel=error msg=forged'],
    ['more than 64 characters', 'a'.repeat(65)],
  ])('replaces an incoming id with %s by a fresh UUID', async (_case, incoming) => {
    const response = await healthz({ 'x-request-id': incoming });

    expect(response.headers['x-request-id']).toMatch(UUID);
  });
});
