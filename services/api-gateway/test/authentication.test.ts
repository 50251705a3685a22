import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { offlineGatewayFixture } from './helpers.js';

// auth-service is down: the gateway cannot fetch signing keys, yet must still answer clearly.
const offline = offlineGatewayFixture();

const listOrders = (headers: Record<string, string> = {}) =>
  offline.gateway.inject({ method: 'GET', url: '/api/orders', headers });

describe('/api/orders without a usable token', () => {
  it('answers 401 with a www-authenticate header when no token is sent', async () => {
    const response = await listOrders();

    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(response.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'missing Authorization header (expected "Bearer <token>")',
    });
  });

  it('answers 401 to credentials that are not a bearer token', async () => {
    const response = await listOrders({ authorization: 'Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQ=' });

    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe('Authorization header must be "Bearer <JWT>"');
  });

  it('answers 401 to a bearer token that is not a JWT', async () => {
    const response = await listOrders({ authorization: 'Bearer abc.def.ghi' });

    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe('token is malformed');
  });

  it('guards every order route', async () => {
    const create = await offline.gateway.inject({
      method: 'POST',
      url: '/api/orders',
      payload: { items: [{ sku: 'SKU-MUG', quantity: 1 }], paymentMethod: 'wallet' },
    });
    const read = await offline.gateway.inject({
      method: 'GET',
      url: '/api/orders/00000000-0000-4000-8000-000000000000',
    });

    expect(create.statusCode).toBe(401);
    expect(read.statusCode).toBe(401);
  });

  it('answers 503, not 401, when it cannot fetch the keys to check a real-looking token', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: 'some-key' })
      .setSubject('alice')
      .setIssuer('tracing-demo-auth')
      .setAudience('tracing-demo')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(generateKeyPairSync('ed25519').privateKey);

    const response = await listOrders({ authorization: `Bearer ${token}` });

    expect(response.statusCode).toBe(503);
    expect(response.json().message).toBe(
      'cannot verify tokens right now: signing keys are unavailable',
    );
  });
});
