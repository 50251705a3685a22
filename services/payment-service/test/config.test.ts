import { ConfigError } from '@tracing-demo/service-kit';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('payment-service configuration', () => {
  it('injects no faults unless told to', () => {
    expect(loadConfig({}).faults).toEqual({ failureRate: 0, slowRate: 0, slowDelayMs: 2_000 });
  });

  it('reads the fault levels from env', () => {
    const config = loadConfig({
      PAYMENT_FAILURE_RATE: '0.05',
      PAYMENT_SLOW_RATE: '0.2',
      PAYMENT_SLOW_DELAY_MS: '300',
    });

    expect(config.faults).toEqual({ failureRate: 0.05, slowRate: 0.2, slowDelayMs: 300 });
  });

  it.each([
    [
      { PAYMENT_FAILURE_RATE: '5%' },
      "PAYMENT_FAILURE_RATE must be a number between 0 and 1 (got '5%')",
    ],
    [
      { PAYMENT_SLOW_RATE: '1.5' },
      "PAYMENT_SLOW_RATE must be a number between 0 and 1 (got '1.5')",
    ],
    [
      { PAYMENT_SLOW_DELAY_MS: '2s' },
      "PAYMENT_SLOW_DELAY_MS must be an integer between 0 and 60000 (got '2s')",
    ],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });
});
