import {
  databaseUrlFromEnv,
  envNumber,
  envString,
  envUrl,
  type ServerConfig,
  serverConfigFromEnv,
  type TokenVerifierOptions,
  tokenVerifierOptionsFromEnv,
} from '@tracing-demo/service-kit';

export interface OrderConfig extends TokenVerifierOptions {
  server: ServerConfig;
  databaseUrl: string;
  paymentServiceUrl: string;
  amqpUrl: string;
  /** How often the outbox relay looks for unpublished events when nothing woke it. */
  outboxPollMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv): OrderConfig {
  const { jwksUrl, issuer, audience } = tokenVerifierOptionsFromEnv(env);
  return {
    server: serverConfigFromEnv(env, 3002),
    databaseUrl: databaseUrlFromEnv(env),
    paymentServiceUrl: envUrl(env, 'PAYMENT_SERVICE_URL', 'http://127.0.0.1:3003'),
    jwksUrl,
    issuer,
    audience,
    amqpUrl: envString(env, 'AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672'),
    outboxPollMs: envNumber(env, 'OUTBOX_POLL_MS', 1_000, { min: 10, max: 60_000, integer: true }),
  };
}
