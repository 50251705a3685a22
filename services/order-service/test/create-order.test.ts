import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, GOOD_CARD, orderServiceFixture } from './helpers.js';

const fixture = orderServiceFixture('order_create');
let token: string;

beforeAll(async () => {
  token = await fixture.issuer.token();
});

const createOrder = (body: unknown) =>
  fixture.app.inject({
    method: 'POST',
    url: '/orders',
    headers: bearer(token),
    payload: body as object,
  });

describe('POST /orders', () => {
  it('prices the order from the catalogue, adds shipping, charges it and answers 201', async () => {
    const response = await createOrder({
      items: [
        { sku: 'SKU-COFFEE', quantity: 2 },
        { sku: 'SKU-MUG', quantity: 1 },
      ],
      paymentMethod: 'card',
      cardNumber: GOOD_CARD,
    });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'paid',
      items: [
        { sku: 'SKU-COFFEE', quantity: 2, unitPriceCents: 2_499 },
        { sku: 'SKU-MUG', quantity: 1, unitPriceCents: 1_299 },
      ],
      // 2 × 24.99 + 12.99; shipping 4.99 plus 0.50 for each of the 2 items beyond the first.
      subtotalCents: 6_297,
      shippingCents: 599,
      totalCents: 6_896,
      currency: 'USD',
      paymentMethod: 'card',
      createdAt: expect.any(String),
    });
    expect(Date.parse(response.json().createdAt)).not.toBeNaN();
  });

  it('ships free from 100.00', async () => {
    const response = await createOrder({
      items: [{ sku: 'SKU-GRINDER', quantity: 2 }],
      paymentMethod: 'wallet',
    });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      subtotalCents: 17_800,
      shippingCents: 0,
      totalCents: 17_800,
      paymentMethod: 'wallet',
    });
  });

  it('stores the order: reading it back gives the same order', async () => {
    const created = (
      await createOrder({ items: [{ sku: 'SKU-FILTER', quantity: 3 }], paymentMethod: 'wallet' })
    ).json();

    const read = await fixture.app.inject({
      method: 'GET',
      url: `/orders/${created.id}`,
      headers: bearer(token),
    });

    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created);
  });

  it('refuses an unknown sku with 400 naming it', async () => {
    const response = await createOrder({
      items: [{ sku: 'SKU-TEAPOT', quantity: 1 }],
      paymentMethod: 'wallet',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: "unknown sku 'SKU-TEAPOT'",
    });
  });

  it('refuses more than is in stock with 409 saying how many there are', async () => {
    const response = await createOrder({
      items: [{ sku: 'SKU-GRINDER', quantity: 26 }],
      paymentMethod: 'wallet',
    });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: "only 25 of 'SKU-GRINDER' in stock (asked for 26)",
    });
  });

  it('refuses more than is in stock when the same sku is split over lines', async () => {
    const response = await createOrder({
      items: [
        { sku: 'SKU-GRINDER', quantity: 20 },
        { sku: 'SKU-GRINDER', quantity: 20 },
      ],
      paymentMethod: 'wallet',
    });

    expect(response.statusCode).toBe(409);
  });

  it.each([
    [
      'no items',
      { items: [], paymentMethod: 'wallet' },
      'body/items must NOT have fewer than 1 items',
    ],
    [
      'a quantity of 0',
      { items: [{ sku: 'SKU-MUG', quantity: 0 }], paymentMethod: 'wallet' },
      'body/items/0/quantity must be >= 1',
    ],
    [
      'a quantity sent as a string',
      { items: [{ sku: 'SKU-MUG', quantity: '1' }], paymentMethod: 'wallet' },
      'body/items/0/quantity must be integer',
    ],
    [
      'a price sent along',
      { items: [{ sku: 'SKU-MUG', quantity: 1, priceCents: 1 }], paymentMethod: 'wallet' },
      "body/items/0 has an unknown property 'priceCents'",
    ],
    [
      'no payment method',
      { items: [{ sku: 'SKU-MUG', quantity: 1 }] },
      "body must have required property 'paymentMethod'",
    ],
  ])('refuses %s with 400 naming the field', async (_case, body, message) => {
    const response = await createOrder(body);

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe(`invalid request: ${message}`);
  });
});
