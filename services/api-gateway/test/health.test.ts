import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, closedPortUrl, type Gateway, startBackends } from './helpers.js';

let backends: Awaited<ReturnType<typeof startBackends>>;
const gateways: Gateway[] = [];

beforeAll(async () => {
  backends = await startBackends('gateway_health');
});
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  await backends?.close();
});

async function gatewayWithAuthAt(authServiceUrl: string) {
  const gateway = await buildGateway({
    AUTH_SERVICE_URL: authServiceUrl,
    ORDER_SERVICE_URL: await closedPortUrl(),
  });
  gateways.push(gateway);
  return gateway;
}

describe('health endpoints', () => {
  it('says it is alive on /healthz even when auth-service is down', async () => {
    const gateway = await gatewayWithAuthAt(await closedPortUrl());

    const response = await gateway.inject({ method: 'GET', url: '/healthz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('says it is ready on /readyz once it can fetch the signing keys', async () => {
    const gateway = await gatewayWithAuthAt(backends.auth.url);

    const response = await gateway.inject({ method: 'GET', url: '/readyz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });

  it('says it is not ready, and why, while the signing keys cannot be fetched', async () => {
    const gateway = await gatewayWithAuthAt(await closedPortUrl());

    const response = await gateway.inject({ method: 'GET', url: '/readyz' });

    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'unavailable',
      failures: { signingKeys: expect.any(String) },
    });
  });
});
