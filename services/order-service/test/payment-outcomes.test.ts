import { freePort } from '@tracing-demo/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  buildOrderService,
  DECLINED_CARD,
  freshDatabase,
  GOOD_CARD,
  type OrderService,
  type PaymentService,
  startPaymentService,
  startTokenIssuer,
  type TokenIssuer,
} from './helpers.js';

let issuer: TokenIssuer;
let payment: PaymentService;
let databaseUrl: string;
let app: OrderService;
let token: string;

beforeAll(async () => {
  issuer = await startTokenIssuer();
  payment = await startPaymentService();
  databaseUrl = await freshDatabase('order_payment_outcomes');
  app = await buildOrderService({
    DATABASE_URL: databaseUrl,
    AUTH_SERVICE_URL: issuer.url,
    PAYMENT_SERVICE_URL: payment.url,
  });
});
afterEach(async () => {
  await setPaymentFaults({ failureRate: 0, slowRate: 0 });
});
afterAll(async () => {
  await app?.close();
  await payment?.app.close();
  await issuer?.close();
});

async function setPaymentFaults(faults: Record<string, number>) {
  const response = await payment.app.inject({
    method: 'PUT',
    url: '/admin/faults',
    payload: faults,
  });
  expect(response.statusCode).toBe(200);
}

const order = (cardNumber: string) => ({
  items: [{ sku: 'SKU-MUG', quantity: 1 }],
  paymentMethod: 'card',
  cardNumber,
});

async function placeOrder(service: OrderService, body: object, caller: string) {
  return service.inject({ method: 'POST', url: '/orders', headers: bearer(caller), payload: body });
}

async function ordersOf(caller: string) {
  const response = await app.inject({ method: 'GET', url: '/orders', headers: bearer(caller) });
  return response.json().orders as unknown[];
}

describe('when payment does not go through', () => {
  it('passes a declined card on as 402 and stores no order', async () => {
    token = await issuer.token();

    const response = await placeOrder(app, order(DECLINED_CARD), token);

    expect(response.statusCode).toBe(402);
    expect(response.json()).toEqual({
      statusCode: 402,
      error: 'Payment Required',
      message: 'card declined by issuer',
    });
    expect(await ordersOf(token)).toEqual([]);
  });

  it('answers 502 when the payment processor fails, and stores no order', async () => {
    token = await issuer.token();
    await setPaymentFaults({ failureRate: 1 });

    const response = await placeOrder(app, order(GOOD_CARD), token);

    expect(response.statusCode).toBe(502);
    expect(response.json()).toEqual({
      statusCode: 502,
      error: 'Bad Gateway',
      message: 'payment failed: payment processor unavailable (injected fault)',
    });
    expect(await ordersOf(token)).toEqual([]);
  });

  it('takes orders again once the processor recovers', async () => {
    token = await issuer.token();
    await setPaymentFaults({ failureRate: 1 });
    expect((await placeOrder(app, order(GOOD_CARD), token)).statusCode).toBe(502);

    await setPaymentFaults({ failureRate: 0 });

    expect((await placeOrder(app, order(GOOD_CARD), token)).statusCode).toBe(201);
    expect(await ordersOf(token)).toHaveLength(1);
  });

  it('answers 502 naming payment-service when it cannot be reached', async () => {
    const unreachable = await buildOrderService({
      DATABASE_URL: databaseUrl,
      AUTH_SERVICE_URL: issuer.url,
      PAYMENT_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    });
    try {
      token = await issuer.token();

      const response = await placeOrder(unreachable, order(GOOD_CARD), token);

      expect(response.statusCode).toBe(502);
      expect(response.json().message).toBe('payment-service is unreachable');
      expect(await ordersOf(token)).toEqual([]);
    } finally {
      await unreachable.close();
    }
  });
});
