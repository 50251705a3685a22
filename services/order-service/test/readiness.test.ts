import { describe, expect, it } from 'vitest';
import { orderServiceFixture } from './helpers.js';

const fixture = orderServiceFixture('order_readiness');

describe('health endpoints', () => {
  it('answer without a token: /healthz alive, /readyz ready with its database', async () => {
    const live = await fixture.app.inject({ method: 'GET', url: '/healthz' });
    const ready = await fixture.app.inject({ method: 'GET', url: '/readyz' });

    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });
});
