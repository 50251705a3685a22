import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE,
  buildGateway,
  closedPortUrl,
  type Gateway,
  loginThrough,
  startBackends,
} from './helpers.js';

let backends: Awaited<ReturnType<typeof startBackends>>;
const gateways: Gateway[] = [];

beforeAll(async () => {
  backends = await startBackends('gateway_unreachable');
});
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  await backends?.close();
});

async function gateway(env: Record<string, string>) {
  const app = await buildGateway(env);
  gateways.push(app);
  return app;
}

describe('a backend that cannot be reached', () => {
  it('makes /api/orders a 502 saying order-service is unreachable', async () => {
    const app = await gateway({
      AUTH_SERVICE_URL: backends.auth.url,
      ORDER_SERVICE_URL: await closedPortUrl(),
    });
    const token = await loginThrough(app);

    const response = await app.inject({
      method: 'GET',
      url: '/api/orders',
      headers: { authorization: `Bearer ${token}` },
    });

    expect(response.statusCode).toBe(502);
    expect(response.json()).toEqual({
      statusCode: 502,
      error: 'Bad Gateway',
      message: 'order-service is unreachable',
    });
  });

  it('makes login a 502 saying auth-service is unreachable', async () => {
    const app = await gateway({
      AUTH_SERVICE_URL: await closedPortUrl(),
      ORDER_SERVICE_URL: await closedPortUrl(),
    });

    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: ALICE });

    expect(response.statusCode).toBe(502);
    expect(response.json().message).toBe('auth-service is unreachable');
  });
});
