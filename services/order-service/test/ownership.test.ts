import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, orderServiceFixture } from './helpers.js';

const fixture = orderServiceFixture('order_ownership');
let alice: string;
let bob: string;

beforeAll(async () => {
  alice = await fixture.issuer.token({ sub: randomUUID() });
  bob = await fixture.issuer.token({ sub: randomUUID() });
});

async function placeOrder(caller: string, sku: string) {
  const response = await fixture.app.inject({
    method: 'POST',
    url: '/orders',
    headers: bearer(caller),
    payload: { items: [{ sku, quantity: 1 }], paymentMethod: 'wallet' },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string };
}

const get = (url: string, caller: string) =>
  fixture.app.inject({ method: 'GET', url, headers: bearer(caller) });

describe('a caller sees only their own orders', () => {
  it('lists only the caller’s orders, newest first', async () => {
    const first = await placeOrder(alice, 'SKU-MUG');
    const second = await placeOrder(alice, 'SKU-FILTER');
    const bobs = await placeOrder(bob, 'SKU-COFFEE');

    const aliceList = (await get('/orders', alice)).json().orders.map((o: { id: string }) => o.id);
    const bobList = (await get('/orders', bob)).json().orders.map((o: { id: string }) => o.id);

    expect(aliceList).toEqual([second.id, first.id]);
    expect(bobList).toEqual([bobs.id]);
  });

  it('reads the caller’s own order by id', async () => {
    const order = await placeOrder(alice, 'SKU-MUG');

    const response = await get(`/orders/${order.id}`, alice);

    expect(response.statusCode).toBe(200);
    expect(response.json().id).toBe(order.id);
  });

  it("answers 404 for someone else's order, as if it did not exist", async () => {
    const order = await placeOrder(alice, 'SKU-MUG');

    const response = await get(`/orders/${order.id}`, bob);

    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'order not found',
    });
  });

  it('answers 404 for an order id that does not exist', async () => {
    const response = await get(`/orders/${randomUUID()}`, alice);

    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe('order not found');
  });

  it('answers 400 for an id that is not a uuid', async () => {
    const response = await get('/orders/42', alice);

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe('invalid request: params/id must match format "uuid"');
  });
});
