import {
  ConfigError,
  envNumber,
  envOptional,
  envString,
  envUrl,
  type ServerConfig,
  serverConfigFromEnv,
} from '@tracing-demo/service-kit';
import { type OperationMix, parseMix } from './mix.js';

export interface UserCredentials {
  email: string;
  password: string;
}

export interface LoadConfig {
  gatewayUrl: string;
  /** Operations started per second, on schedule whatever the latency (open loop). */
  ratePerSecond: number;
  /** 0: until stopped. */
  durationSeconds: number;
  mix: OperationMix;
  users: UserCredentials[];
  /** Operations in flight at most; a tick that finds the cap reached is shed and counted. */
  concurrency: number;
  /** Share of placed orders paid by wallet; the rest pay by card. */
  walletFraction: number;
  /** Share of card orders paid with the always-declined test card (an expected 402). */
  declineFraction: number;
  requestTimeoutMs: number;
  progressIntervalSeconds: number;
  /**
   * The gateway's synthetic-traffic token: sent with every request, it makes loadgen a trusted
   * caller, so its traces continue through the gateway and are marked synthetic. Without it
   * loadgen is an outside caller and each request starts a new trace at the gateway.
   */
  syntheticToken?: string;
  /**
   * Appends one JSON line per answered (or failed) request here: when it started, the
   * operation, the status, the latency, its trace id and a created order's id. The exact
   * account a fault drill reconciles with the database and the trace store.
   */
  recordsFile?: string;
}

export interface LoadgenConfig {
  server: ServerConfig;
  load: LoadConfig;
}

/** The demo users auth-service creates when DEMO_USERS is unset. */
const DEFAULT_USERS = 'alice@example.com:alice-password,bob@example.com:bob-password';

/**
 * LOADGEN_USERS="alice@example.com:alice-password,bob@example.com:bob-password". The message
 * names the entry by position only: the list holds passwords.
 */
export function parseUsers(text: string, variable = 'LOADGEN_USERS'): UserCredentials[] {
  const users = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, index) => {
      const separator = entry.indexOf(':');
      const email = entry.slice(0, separator).trim();
      const password = entry.slice(separator + 1);
      if (separator < 1 || !email.includes('@') || password === '') {
        throw new ConfigError(
          `${variable} must be a comma-separated list of email:password (entry ${index + 1} is not)`,
        );
      }
      return { email, password };
    });
  if (users.length === 0) throw new ConfigError(`${variable} must name at least one user`);
  return users;
}

export function loadConfig(env: NodeJS.ProcessEnv): LoadgenConfig {
  return {
    server: serverConfigFromEnv(env, 3010),
    load: {
      gatewayUrl: envUrl(env, 'GATEWAY_URL', 'http://127.0.0.1:3000'),
      // The gateway's default rate limit is 600 requests per minute per client IP: above 10/s
      // raise RATE_LIMIT_PER_MINUTE there, or the surplus comes back as 429s.
      ratePerSecond: envNumber(env, 'LOADGEN_RATE', 5, { min: 0.01, max: 1_000 }),
      durationSeconds: envNumber(env, 'LOADGEN_DURATION_SECONDS', 0, { min: 0 }),
      mix: parseMix(envString(env, 'LOADGEN_MIX', 'place=0.5,list=0.4,get=0.1')),
      users: parseUsers(envString(env, 'LOADGEN_USERS', DEFAULT_USERS)),
      concurrency: envNumber(env, 'LOADGEN_CONCURRENCY', 50, {
        min: 1,
        max: 10_000,
        integer: true,
      }),
      walletFraction: envNumber(env, 'LOADGEN_WALLET_FRACTION', 0.3, { min: 0, max: 1 }),
      declineFraction: envNumber(env, 'LOADGEN_DECLINE_FRACTION', 0.05, { min: 0, max: 1 }),
      // Above the gateway's own 15 s budget for placing an order, so the gateway times out first.
      requestTimeoutMs: envNumber(env, 'LOADGEN_TIMEOUT_MS', 20_000, {
        min: 100,
        max: 120_000,
        integer: true,
      }),
      progressIntervalSeconds: envNumber(env, 'LOADGEN_PROGRESS_SECONDS', 10, {
        min: 1,
        max: 3_600,
      }),
      syntheticToken: envOptional(env, 'SYNTHETIC_TOKEN'),
      recordsFile: envOptional(env, 'LOADGEN_RECORDS_FILE'),
    },
  };
}
