import {
  databaseUrlFromEnv,
  envNumber,
  envString,
  type ServerConfig,
  serverConfigFromEnv,
} from '@tracing-demo/service-kit';

export interface WorkerConfig {
  server: ServerConfig;
  databaseUrl: string;
  amqpUrl: string;
  /** Messages in flight at once. */
  prefetch: number;
  /** Attempts per message before it is dead-lettered (a transient failure gets this many). */
  maxAttempts: number;
  retryDelayMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  return {
    server: serverConfigFromEnv(env, 3004),
    databaseUrl: databaseUrlFromEnv(env),
    amqpUrl: envString(env, 'AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672'),
    prefetch: envNumber(env, 'WORKER_PREFETCH', 10, { min: 1, max: 1_000, integer: true }),
    maxAttempts: envNumber(env, 'WORKER_MAX_ATTEMPTS', 3, { min: 1, max: 20, integer: true }),
    retryDelayMs: envNumber(env, 'WORKER_RETRY_DELAY_MS', 200, {
      min: 0,
      max: 60_000,
      integer: true,
    }),
  };
}
