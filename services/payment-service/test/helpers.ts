import { randomUUID } from 'node:crypto';
import { createServiceApp } from '@tracing-demo/service-kit';
import paymentService from '../src/app.js';
import { loadConfig } from '../src/config.js';

/** A test card the simulated processor approves. */
export const GOOD_CARD = '4111111111111111';

/**
 * payment-service built the way server.ts builds it, from env. `random` fixes the dice of the
 * fault injector: with `() => 0` every configured fault happens, whatever its rate above 0.
 */
export async function buildPaymentService(
  env: Record<string, string> = {},
  options: { random?: () => number } = {},
) {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const app = createServiceApp(config.server);
  await app.register(paymentService, { ...config, ...options });
  await app.ready();
  return app;
}

export function chargeRequest(overrides: Record<string, unknown> = {}) {
  return {
    orderId: randomUUID(),
    amountCents: 6_896,
    currency: 'USD',
    method: 'card',
    cardNumber: GOOD_CARD,
    ...overrides,
  };
}
