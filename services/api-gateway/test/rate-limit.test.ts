import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, buildGateway, closedPortUrl, type Gateway, startBackends } from './helpers.js';

let backends: Awaited<ReturnType<typeof startBackends>>;
let gateway: Gateway;

beforeAll(async () => {
  backends = await startBackends('gateway_rate_limit');
  gateway = await buildGateway({
    RATE_LIMIT_PER_MINUTE: '2',
    AUTH_SERVICE_URL: backends.auth.url,
    ORDER_SERVICE_URL: await closedPortUrl(),
  });
});
afterAll(async () => {
  await gateway?.close();
  await backends?.close();
});

/** Each test is its own client, told apart by address, so each starts with a full allowance. */
const guessPassword = (client: string) =>
  gateway.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: client,
    payload: { ...ALICE, password: 'guess-password' },
  });

describe('rate limiting', () => {
  it('answers 429 with a clear message once a client goes over RATE_LIMIT_PER_MINUTE', async () => {
    expect((await guessPassword('192.0.2.1')).statusCode).toBe(401);
    expect((await guessPassword('192.0.2.1')).statusCode).toBe(401);

    const limited = await guessPassword('192.0.2.1');

    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'rate limit exceeded: at most 2 requests per minute, retry in 1 minute',
    });
    expect(limited.headers['retry-after']).toBe('60');
  });

  it('limits each client on its own, and keeps answering probes for a limited one', async () => {
    for (let i = 0; i < 3; i++) await guessPassword('192.0.2.2');
    expect((await guessPassword('192.0.2.2')).statusCode).toBe(429);

    const probe = await gateway.inject({
      method: 'GET',
      url: '/readyz',
      remoteAddress: '192.0.2.2',
    });
    const otherClient = await guessPassword('192.0.2.3');

    expect(probe.statusCode).toBe(200);
    expect(otherClient.statusCode).toBe(401);
  });

  it('counts requests that fail authentication too', async () => {
    const listOrders = () =>
      gateway.inject({ method: 'GET', url: '/api/orders', remoteAddress: '192.0.2.4' });
    expect((await listOrders()).statusCode).toBe(401);
    expect((await listOrders()).statusCode).toBe(401);

    expect((await listOrders()).statusCode).toBe(429);
  });
});
