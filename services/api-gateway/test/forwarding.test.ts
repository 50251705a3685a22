import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, buildGateway, type Gateway, loginThrough, startBackends } from './helpers.js';

let backends: Awaited<ReturnType<typeof startBackends>>;
let gateway: Gateway;

beforeAll(async () => {
  backends = await startBackends('gateway_forwarding', { orders: true });
  gateway = await buildGateway({
    AUTH_SERVICE_URL: backends.auth.url,
    ORDER_SERVICE_URL: backends.order?.url ?? '',
  });
});
afterAll(async () => {
  await gateway?.close();
  await backends?.close();
});

describe('the gateway relays to the real services', () => {
  it('logs in through auth-service and hands back its token', async () => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: ALICE,
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
  });

  it("relays auth-service's 401 for a wrong password as it is", async () => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { ...ALICE, password: 'wrong-password' },
    });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'invalid email or password',
    });
  });

  it('places an order with the token from login, and reads it back', async () => {
    const authorization = `Bearer ${await loginThrough(gateway)}`;

    const created = await gateway.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { authorization },
      payload: {
        items: [{ sku: 'SKU-COFFEE', quantity: 1 }],
        paymentMethod: 'card',
        cardNumber: '4111111111111111',
      },
    });
    expect(created.statusCode).toBe(201);
    const order = created.json();
    expect(order).toMatchObject({ status: 'paid', totalCents: 2_499 + 499 });

    const read = await gateway.inject({
      method: 'GET',
      url: `/api/orders/${order.id}`,
      headers: { authorization },
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(order);

    const list = await gateway.inject({
      method: 'GET',
      url: '/api/orders',
      headers: { authorization },
    });
    expect(list.json().orders.map((o: { id: string }) => o.id)).toContain(order.id);
  });

  // Found by the fuzz (test/e2e/fuzz.test.ts): this id reached PostgreSQL and came back a 500.
  it('refuses an order id in the urn:uuid: form with 400, before order-service', async () => {
    const authorization = `Bearer ${await loginThrough(gateway)}`;

    const response = await gateway.inject({
      method: 'GET',
      url: '/api/orders/urn:uuid:00000000-0000-1000-8000-000000000000',
      headers: { authorization },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe(
      'invalid request: params/id must NOT have more than 36 characters',
    );
  });

  it("relays order-service's answers, such as a declined card's 402", async () => {
    const authorization = `Bearer ${await loginThrough(gateway)}`;

    const response = await gateway.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { authorization },
      payload: {
        items: [{ sku: 'SKU-MUG', quantity: 1 }],
        paymentMethod: 'card',
        cardNumber: '4000000000000002',
      },
    });

    expect(response.statusCode).toBe(402);
    expect(response.json().message).toBe('card declined by issuer');
  });
});
