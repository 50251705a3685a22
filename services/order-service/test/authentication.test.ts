import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearer, orderServiceFixture } from './helpers.js';

const fixture = orderServiceFixture('order_authentication');

const listOrders = (headers: Record<string, string> = {}) =>
  fixture.app.inject({ method: 'GET', url: '/orders', headers });

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

async function expectRefused(headers: Record<string, string>, message: string) {
  const response = await listOrders(headers);
  expect(response.statusCode).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  expect(response.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message });
}

describe('order routes require a valid token', () => {
  it('let a caller with a valid token in', async () => {
    const response = await listOrders(bearer(await fixture.issuer.token()));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ orders: [] });
  });

  it('refuse a request without a token', async () => {
    await expectRefused({}, 'missing Authorization header (expected "Bearer <token>")');
  });

  it('refuse a token that is not sent as a bearer token', async () => {
    await expectRefused(
      { authorization: `Token ${await fixture.issuer.token()}` },
      'Authorization header must be "Bearer <JWT>"',
    );
  });

  it('refuse an expired token', async () => {
    const token = await fixture.issuer.token({ iat: now() - 3_600, exp: now() - 1_800 });

    await expectRefused(bearer(token), 'token has expired');
  });

  it('refuse a token meant for another audience', async () => {
    await expectRefused(
      bearer(await fixture.issuer.token({ aud: 'some-other-api' })),
      'token audience is not accepted',
    );
  });

  it('refuse a token from another issuer', async () => {
    await expectRefused(
      bearer(await fixture.issuer.token({ iss: 'https://issuer.example' })),
      'token issuer is not accepted',
    );
  });

  it('refuse an unsigned token (alg none)', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
      sub: 'admin',
      iss: 'tracing-demo-auth',
      aud: 'tracing-demo',
      iat: now(),
      exp: now() + 600,
    })}.`;

    await expectRefused(bearer(unsigned), 'token algorithm is not allowed (expected EdDSA)');
  });

  it('refuse a token signed by a key the issuer does not publish', async () => {
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const token = await fixture.issuer.token({}, { key: stranger, keyId: 'stranger-key' });

    await expectRefused(bearer(token), 'token was not signed by a known key');
  });

  it("refuse a token signed by another key under the issuer's kid", async () => {
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const token = await fixture.issuer.token({}, { key: stranger });

    await expectRefused(bearer(token), 'token signature is invalid');
  });

  it('refuse a valid token whose payload was edited', async () => {
    const [header, , signature] = (await fixture.issuer.token({ sub: 'alice' })).split('.');
    const edited = b64({
      sub: 'bob',
      iss: 'tracing-demo-auth',
      aud: 'tracing-demo',
      iat: now(),
      exp: now() + 600,
    });

    await expectRefused(bearer(`${header}.${edited}.${signature}`), 'token signature is invalid');
  });

  it('guard every order route, not only the list', async () => {
    const create = await fixture.app.inject({
      method: 'POST',
      url: '/orders',
      payload: { items: [{ sku: 'SKU-MUG', quantity: 1 }], paymentMethod: 'wallet' },
    });
    const read = await fixture.app.inject({
      method: 'GET',
      url: '/orders/00000000-0000-4000-8000-000000000000',
    });

    expect(create.statusCode).toBe(401);
    expect(read.statusCode).toBe(401);
  });
});
