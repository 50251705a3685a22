import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildOrderService,
  freshDatabase,
  type OrderService,
  type PaymentService,
  startPaymentService,
  startTokenIssuer,
  type TokenIssuer,
} from './helpers.js';

let issuer: TokenIssuer;
let payment: PaymentService;
let app: OrderService;

beforeAll(async () => {
  issuer = await startTokenIssuer();
  payment = await startPaymentService();
  app = await buildOrderService({
    DATABASE_URL: await freshDatabase('order_readiness'),
    AUTH_SERVICE_URL: issuer.url,
    PAYMENT_SERVICE_URL: payment.url,
  });
});
afterAll(async () => {
  await app?.close();
  await payment?.app.close();
  await issuer?.close();
});

describe('health endpoints', () => {
  it('answer without a token: /healthz alive, /readyz ready with its database', async () => {
    const live = await app.inject({ method: 'GET', url: '/healthz' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });

    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });
});
