import { SpanKind } from '@tracing-demo/otlp';
import { waitFor } from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { login, request, type Stack, startStack } from './stack.js';
import { tokenForger } from './tokens.js';

let stack: Stack;
let forge: Awaited<ReturnType<typeof tokenForger>>;
let token: string;

beforeAll(async () => {
  stack = await startStack(inject('postgresAdminUrl'), 'integration_bad_input');
  forge = await tokenForger(stack.signingKeyPem);
  token = await login(stack);
});
afterAll(async () => {
  // Whatever was thrown at them, every service is still running.
  for (const service of stack?.processes ?? []) {
    expect(await fetch(`${service.url}/healthz`).then((r) => r.status), service.name).toBe(200);
  }
  await stack?.stop();
});

const post = (path: string, init: Parameters<typeof request>[1]) =>
  request(`${stack.gateway.url}${path}`, { method: 'POST', ...init });
const auth = () => ({ authorization: `Bearer ${token}` });

describe('malformed bodies get a 400 that says what is wrong', () => {
  it.each([
    ['malformed JSON', { rawBody: '{"email": "a@b.c", "password": ' }, /JSON/i],
    ['a missing field', { body: { email: 'alice@example.com' } }, /password/],
    [
      'an extra field',
      { body: { email: 'alice@example.com', password: 'x', admin: true } },
      /unknown property 'admin'/,
    ],
    [
      'a wrong-typed field',
      { body: { email: 'alice@example.com', password: 12345 } },
      /password.*string/,
    ],
    ['a malformed e-mail', { body: { email: 'not-an-email', password: 'x' } }, /email/],
    ['a JSON array', { rawBody: '[]' }, /object/],
  ])('login with %s', async (_case, init, message) => {
    const response = await post('/api/auth/login', init);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.message).toMatch(message);
  });

  it.each([
    ['an empty items list', { items: [], paymentMethod: 'wallet' }, /items/],
    [
      'a negative quantity',
      { items: [{ sku: 'SKU-MUG', quantity: -1 }], paymentMethod: 'wallet' },
      /quantity/,
    ],
    [
      'a quantity as a string',
      { items: [{ sku: 'SKU-MUG', quantity: '2' }], paymentMethod: 'wallet' },
      /quantity/,
    ],
    [
      'an unknown payment method',
      { items: [{ sku: 'SKU-MUG', quantity: 1 }], paymentMethod: 'iou' },
      /paymentMethod/,
    ],
    [
      'a card number with letters',
      { items: [{ sku: 'SKU-MUG', quantity: 1 }], paymentMethod: 'card', cardNumber: '4111-abcd' },
      /cardNumber/,
    ],
  ])('order with %s', async (_case, body, message) => {
    const response = await post('/api/orders', { body, headers: auth() });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.message).toMatch(message);
  });

  it('an unknown sku is a 400 from order-service, passed through', async () => {
    const response = await post('/api/orders', {
      body: { items: [{ sku: 'SKU-UNICORN', quantity: 1 }], paymentMethod: 'wallet' },
      headers: auth(),
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe("unknown sku 'SKU-UNICORN'");
  });

  it('an order id that is not a uuid', async () => {
    const response = await request(`${stack.gateway.url}/api/orders/123;drop`, { headers: auth() });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/uuid/);
  });

  it('an oversize body is a 413', async () => {
    const response = await post('/api/auth/login', {
      body: { email: 'alice@example.com', password: 'x'.repeat(64 * 1024) },
    });
    expect(response.status).toBe(413);
    expect(response.body.message).toMatch(/too large/i);
  });

  it('a body that is not JSON is a 415', async () => {
    const response = await post('/api/auth/login', {
      rawBody: 'email=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
  });
});

describe('bad tokens get a 401 at the gateway and again at order-service', () => {
  const cases: [string, () => Promise<string> | string, RegExp][] = [
    ['expired', () => forge.expired(), /expired/],
    ['tampered', () => forge.tampered(), /signature/],
    ['alg none', () => forge.algNone(), /algorithm|malformed/],
    ['wrong audience', () => forge.wrongAudience(), /aud/],
    ['wrong issuer', () => forge.wrongIssuer(), /iss/],
    ['HS256 signed with the public key', () => forge.hs256WithPublicKey(), /algorithm/],
    ['signed by an unknown key', () => forge.otherKey(), /key/],
    ['not a JWT', () => 'hello', /Bearer/],
  ];

  it.each(cases)('%s', async (_case, make, message) => {
    const bad = await make();
    for (const base of [`${stack.gateway.url}/api`, stack.order.url]) {
      const response = await request(`${base}/orders`, {
        headers: { authorization: `Bearer ${bad}` },
      });
      expect(response.status, `${base}: ${JSON.stringify(response.body)}`).toBe(401);
      expect(response.body.message).toMatch(message);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('a missing Authorization header', async () => {
    const response = await request(`${stack.gateway.url}/api/orders`);
    expect(response.status).toBe(401);
    expect(response.body.message).toMatch(/missing Authorization/);
  });
});

describe('garbage traceparent headers start a fresh, valid trace', () => {
  it.each([
    'garbage',
    '00-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-zzzzzzzzzzzzzzzz-01',
    '00-00000000000000000000000000000000-0000000000000000-01',
    'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01-${'x'.repeat(4000)}`,
  ])('%s', async (traceparent) => {
    const response = await request(`${stack.gateway.url}/api/orders`, {
      headers: { ...auth(), traceparent },
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    const root = await waitFor('the gateway span', () =>
      stack.sink.spans.find(
        (s) =>
          s.service === 'api-gateway' &&
          s.kind === SpanKind.SERVER &&
          s.attributes['app.request.id'] === requestId,
      ),
    );
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.traceId).not.toMatch(/^0+$/);
    expect(traceparent).not.toContain(root.traceId);
    expect(root.parentSpanId).toBeUndefined();
  });
});
