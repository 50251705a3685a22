import { envNumber, type ServerConfig, serverConfigFromEnv } from '@tracing-demo/service-kit';
import type { Faults } from './faults.js';

export interface PaymentConfig {
  server: ServerConfig;
  faults: Faults;
}

export function loadConfig(env: NodeJS.ProcessEnv): PaymentConfig {
  return {
    server: serverConfigFromEnv(env, 3003),
    faults: {
      failureRate: envNumber(env, 'PAYMENT_FAILURE_RATE', 0, { min: 0, max: 1 }),
      slowRate: envNumber(env, 'PAYMENT_SLOW_RATE', 0, { min: 0, max: 1 }),
      slowDelayMs: envNumber(env, 'PAYMENT_SLOW_DELAY_MS', 2_000, {
        min: 0,
        max: 60_000,
        integer: true,
      }),
    },
  };
}
