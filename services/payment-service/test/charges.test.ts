import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPaymentService, chargeRequest } from './helpers.js';

let app: Awaited<ReturnType<typeof buildPaymentService>>;

beforeAll(async () => {
  app = await buildPaymentService();
});
afterAll(async () => {
  await app?.close();
});

const charge = (body: object) => app.inject({ method: 'POST', url: '/charges', payload: body });

describe('POST /charges', () => {
  it('approves a card charge with 201 and a charge id', async () => {
    const response = await charge(chargeRequest());

    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      chargeId: expect.stringMatching(/^ch_[0-9a-f-]{36}$/),
      status: 'approved',
    });
  });

  it('gives every charge its own id', async () => {
    const first = (await charge(chargeRequest())).json();
    const second = (await charge(chargeRequest())).json();

    expect(first.chargeId).not.toBe(second.chargeId);
  });

  it('approves a wallet charge, which needs no card number', async () => {
    const response = await charge(chargeRequest({ method: 'wallet', cardNumber: undefined }));

    expect(response.statusCode).toBe(201);
    expect(response.json().status).toBe('approved');
  });

  it('approves a wallet charge even when a declined card number rides along', async () => {
    const response = await charge(
      chargeRequest({ method: 'wallet', cardNumber: '4000000000000002' }),
    );

    expect(response.statusCode).toBe(201);
  });

  it('declines the test card 4000000000000002 with 402 and reason card_declined', async () => {
    const response = await charge(chargeRequest({ cardNumber: '4000000000000002' }));

    expect(response.statusCode).toBe(402);
    expect(response.json()).toEqual({
      statusCode: 402,
      error: 'Payment Required',
      message: 'card declined by issuer',
      reason: 'card_declined',
    });
  });

  it('refuses a card charge without a card number with 400', async () => {
    const response = await charge(chargeRequest({ cardNumber: undefined }));

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'invalid request: cardNumber is required when method is "card"',
    });
  });
});
