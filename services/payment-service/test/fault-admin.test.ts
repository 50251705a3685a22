import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPaymentService } from './helpers.js';

let app: Awaited<ReturnType<typeof buildPaymentService>>;

beforeEach(async () => {
  app = await buildPaymentService({
    PAYMENT_FAILURE_RATE: '0.1',
    PAYMENT_SLOW_RATE: '0.2',
    PAYMENT_SLOW_DELAY_MS: '1500',
  });
});
afterEach(async () => {
  await app?.close();
});

const putFaults = (payload: object) => app.inject({ method: 'PUT', url: '/admin/faults', payload });

describe('/admin/faults', () => {
  it('shows the levels configured through env', async () => {
    const response = await app.inject({ method: 'GET', url: '/admin/faults' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ failureRate: 0.1, slowRate: 0.2, slowDelayMs: 1500 });
  });

  it('changes only the levels sent, and the change is what GET shows afterwards', async () => {
    const updated = await putFaults({ failureRate: 0.5 });

    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toEqual({ failureRate: 0.5, slowRate: 0.2, slowDelayMs: 1500 });
    const current = await app.inject({ method: 'GET', url: '/admin/faults' });
    expect(current.json()).toEqual({ failureRate: 0.5, slowRate: 0.2, slowDelayMs: 1500 });
  });

  it.each([
    ['a rate above 1', { failureRate: 1.5 }, 'body/failureRate must be <= 1'],
    ['a negative rate', { slowRate: -0.1 }, 'body/slowRate must be >= 0'],
    ['a rate sent as a string', { failureRate: '0.5' }, 'body/failureRate must be number'],
    ['a fractional delay', { slowDelayMs: 2.5 }, 'body/slowDelayMs must be integer'],
    ['an empty body', {}, 'body must NOT have fewer than 1 properties'],
    ['an unknown field', { errorRate: 0.5 }, "body has an unknown property 'errorRate'"],
  ])('refuses %s with 400 and leaves the levels as they were', async (_case, payload, message) => {
    const response = await putFaults(payload);

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: `invalid request: ${message}`,
    });
    const current = await app.inject({ method: 'GET', url: '/admin/faults' });
    expect(current.json()).toEqual({ failureRate: 0.1, slowRate: 0.2, slowDelayMs: 1500 });
  });
});
