import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPaymentService, chargeRequest } from './helpers.js';

let app: Awaited<ReturnType<typeof buildPaymentService>>;

beforeAll(async () => {
  app = await buildPaymentService();
});
afterAll(async () => {
  await app?.close();
});

describe('POST /charges with bad input', () => {
  it.each([
    ['a missing amount', { amountCents: undefined }, "must have required property 'amountCents'"],
    ['an amount sent as a string', { amountCents: '6896' }, 'body/amountCents must be integer'],
    ['a fractional amount', { amountCents: 68.96 }, 'body/amountCents must be integer'],
    ['a zero amount', { amountCents: 0 }, 'body/amountCents must be >= 1'],
    [
      'an order id that is not a uuid',
      { orderId: 'order-1' },
      'body/orderId must match format "uuid"',
    ],
    ['an unsupported currency', { currency: 'GBP' }, "body/currency must be one of 'USD', 'EUR'"],
    [
      'an unknown payment method',
      { method: 'cash' },
      "body/method must be one of 'card', 'wallet'",
    ],
    [
      'a card number with letters',
      { cardNumber: '4111-1111-1111' },
      'body/cardNumber must match pattern',
    ],
    ['a field it does not know', { cvv: '123' }, "body has an unknown property 'cvv'"],
  ])('answers 400 naming the field for %s', async (_case, overrides, message) => {
    const response = await app.inject({
      method: 'POST',
      url: '/charges',
      payload: chargeRequest(overrides),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(message);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/charges',
      headers: { 'content-type': 'application/json' },
      payload: '{"orderId":',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringContaining('not valid JSON'),
    });
  });
});
