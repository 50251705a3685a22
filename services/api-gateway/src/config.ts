import {
  envNumber,
  envUrl,
  type ServerConfig,
  serverConfigFromEnv,
  type TokenVerifierOptions,
  tokenVerifierOptionsFromEnv,
} from '@tracing-demo/service-kit';

export interface GatewayConfig extends TokenVerifierOptions {
  server: ServerConfig;
  authServiceUrl: string;
  orderServiceUrl: string;
  /** Requests per client IP per minute. */
  rateLimitPerMinute: number;
}

export function loadConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  return {
    server: serverConfigFromEnv(env, 3000),
    ...tokenVerifierOptionsFromEnv(env),
    orderServiceUrl: envUrl(env, 'ORDER_SERVICE_URL', 'http://127.0.0.1:3002'),
    rateLimitPerMinute: envNumber(env, 'RATE_LIMIT_PER_MINUTE', 600, { min: 1, integer: true }),
  };
}
