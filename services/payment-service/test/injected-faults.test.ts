import { afterEach, describe, expect, it } from 'vitest';
import { buildPaymentService, chargeRequest } from './helpers.js';

let app: Awaited<ReturnType<typeof buildPaymentService>> | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

const charge = (service: NonNullable<typeof app>, overrides: Record<string, unknown> = {}) =>
  service.inject({ method: 'POST', url: '/charges', payload: chargeRequest(overrides) });

describe('fault injection', () => {
  it('fails a charge with 503 when the failure rate says so', async () => {
    app = await buildPaymentService({ PAYMENT_FAILURE_RATE: '1' }, { random: () => 0 });

    const response = await charge(app);

    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'payment processor unavailable (injected fault)',
    });
  });

  it('fails even the always-declined card: the processor is down before it looks at the card', async () => {
    app = await buildPaymentService({ PAYMENT_FAILURE_RATE: '1' }, { random: () => 0 });

    const response = await charge(app, { cardNumber: '4000000000000002' });

    expect(response.statusCode).toBe(503);
  });

  it('turns failures on and off at run time through the admin endpoint', async () => {
    app = await buildPaymentService();
    expect((await charge(app)).statusCode).toBe(201);

    await app.inject({ method: 'PUT', url: '/admin/faults', payload: { failureRate: 1 } });
    expect((await charge(app)).statusCode).toBe(503);

    await app.inject({ method: 'PUT', url: '/admin/faults', payload: { failureRate: 0 } });
    expect((await charge(app)).statusCode).toBe(201);
  });

  it('delays a slow charge by the configured delay and still approves it', async () => {
    const slowDelayMs = 100;
    app = await buildPaymentService(
      { PAYMENT_SLOW_RATE: '1', PAYMENT_SLOW_DELAY_MS: String(slowDelayMs) },
      { random: () => 0 },
    );

    const started = performance.now();
    const response = await charge(app);
    const elapsedMs = performance.now() - started;

    expect(response.statusCode).toBe(201);
    // Timers may fire a millisecond early; the delay is otherwise a lower bound.
    expect(elapsedMs).toBeGreaterThanOrEqual(slowDelayMs - 2);
  });
});
