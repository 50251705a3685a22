import {
  envNumber,
  envString,
  envUrl,
  type ServerConfig,
  serverConfigFromEnv,
} from '@tracing-demo/service-kit';

export interface GatewayConfig {
  server: ServerConfig;
  authServiceUrl: string;
  orderServiceUrl: string;
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Requests per client IP per minute. */
  rateLimitPerMinute: number;
}

export function loadConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const authServiceUrl = envUrl(env, 'AUTH_SERVICE_URL', 'http://127.0.0.1:3001');
  return {
    server: serverConfigFromEnv(env, 3000),
    authServiceUrl,
    orderServiceUrl: envUrl(env, 'ORDER_SERVICE_URL', 'http://127.0.0.1:3002'),
    jwksUrl: `${authServiceUrl}/.well-known/jwks.json`,
    issuer: envString(env, 'JWT_ISSUER', 'tracing-demo-auth'),
    audience: envString(env, 'JWT_AUDIENCE', 'tracing-demo'),
    rateLimitPerMinute: envNumber(env, 'RATE_LIMIT_PER_MINUTE', 600, { min: 1, integer: true }),
  };
}
