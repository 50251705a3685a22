import {
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
  };
}
