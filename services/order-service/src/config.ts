import {
  envNumber,
  envString,
  envUrl,
  type ServerConfig,
  serverConfigFromEnv,
} from '@tracing-demo/service-kit';

export interface OrderConfig {
  server: ServerConfig;
  databaseUrl: string;
  paymentServiceUrl: string;
  jwksUrl: string;
  issuer: string;
  audience: string;
  amqpUrl: string;
  /** How often the outbox relay looks for unpublished events when nothing woke it. */
  outboxPollMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv): OrderConfig {
  const authServiceUrl = envUrl(env, 'AUTH_SERVICE_URL', 'http://127.0.0.1:3001');
  return {
    server: serverConfigFromEnv(env, 3002),
    databaseUrl: envString(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/tracing_demo'),
    paymentServiceUrl: envUrl(env, 'PAYMENT_SERVICE_URL', 'http://127.0.0.1:3003'),
    jwksUrl: `${authServiceUrl}/.well-known/jwks.json`,
    issuer: envString(env, 'JWT_ISSUER', 'tracing-demo-auth'),
    audience: envString(env, 'JWT_AUDIENCE', 'tracing-demo'),
    amqpUrl: envString(env, 'AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672'),
    outboxPollMs: envNumber(env, 'OUTBOX_POLL_MS', 1_000, { min: 10, max: 60_000, integer: true }),
  };
}
