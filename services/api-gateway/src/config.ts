import {
  ConfigError,
  envNumber,
  envOptional,
  envUrl,
  type ServerConfig,
  serverConfigFromEnv,
  type TokenVerifierOptions,
  tokenVerifierOptionsFromEnv,
} from '@tracing-demo/service-kit';
import { type EdgeTrust, parseCidr } from '@tracing-demo/telemetry';

export interface GatewayConfig extends TokenVerifierOptions {
  server: ServerConfig;
  authServiceUrl: string;
  orderServiceUrl: string;
  /** Requests per client IP per minute. */
  rateLimitPerMinute: number;
  /** Whose trace context the gateway continues (everyone else starts a new trace). */
  trust: EdgeTrust;
}

/** Shorter tokens could be guessed; the chart generates 32 characters. */
const MIN_TOKEN_LENGTH = 16;

/** TRUSTED_NETWORKS: comma-separated CIDRs; SYNTHETIC_TOKEN: the synthetic-traffic token. */
export function trustFromEnv(env: NodeJS.ProcessEnv): EdgeTrust {
  const trustedNetworks = (envOptional(env, 'TRUSTED_NETWORKS') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const network of trustedNetworks) {
    try {
      parseCidr(network);
    } catch {
      throw new ConfigError(
        `TRUSTED_NETWORKS must be comma-separated CIDRs like 10.0.0.0/8 (got '${network}')`,
      );
    }
  }
  const syntheticToken = envOptional(env, 'SYNTHETIC_TOKEN');
  if (syntheticToken !== undefined && syntheticToken.length < MIN_TOKEN_LENGTH) {
    // The message never shows the token.
    throw new ConfigError(`SYNTHETIC_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters`);
  }
  return { trustedNetworks, syntheticToken };
}

export function loadConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  return {
    server: serverConfigFromEnv(env, 3000),
    ...tokenVerifierOptionsFromEnv(env),
    orderServiceUrl: envUrl(env, 'ORDER_SERVICE_URL', 'http://127.0.0.1:3002'),
    rateLimitPerMinute: envNumber(env, 'RATE_LIMIT_PER_MINUTE', 600, { min: 1, integer: true }),
    trust: trustFromEnv(env),
  };
}
