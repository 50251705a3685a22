import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  ConfigError,
  databaseUrlFromEnv,
  envNumber,
  envOptional,
  envString,
  jwtClaimsFromEnv,
  type ServerConfig,
  serverConfigFromEnv,
} from '@tracing-demo/service-kit';

export interface DemoUser {
  email: string;
  password: string;
}

export interface AuthConfig {
  server: ServerConfig;
  databaseUrl: string;
  issuer: string;
  audience: string;
  tokenTtlSeconds: number;
  /** From a PKCS#8 PEM Ed25519 key; the chart keeps it in a Secret across upgrades. */
  signingKey: KeyObject | undefined;
  demoUsers: DemoUser[];
}

/** DEMO_USERS="alice@example.com:alice-password,bob@example.com:bob-password" */
export function parseDemoUsers(text: string): DemoUser[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const separator = entry.indexOf(':');
      const email = entry.slice(0, separator).trim().toLowerCase();
      const password = entry.slice(separator + 1);
      if (separator < 1 || !email.includes('@') || password.length < 8) {
        throw new ConfigError(
          'DEMO_USERS must be a comma-separated list of email:password with passwords of 8+ characters',
        );
      }
      return { email, password };
    });
}

/** JWT_SIGNING_KEY as PEM; `\n` escapes are accepted for env files that cannot hold newlines. */
export function parseSigningKey(pem: string | undefined): KeyObject | undefined {
  if (!pem) return undefined;
  let key: KeyObject;
  try {
    key = createPrivateKey(pem.replace(/\\n/g, '\n'));
  } catch {
    throw new ConfigError(
      'JWT_SIGNING_KEY must be a PKCS#8 PEM private key (it could not be parsed)',
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(`JWT_SIGNING_KEY must be an Ed25519 key (got ${key.asymmetricKeyType})`);
  }
  return key;
}

export function loadConfig(env: NodeJS.ProcessEnv): AuthConfig {
  return {
    server: serverConfigFromEnv(env, 3001),
    databaseUrl: databaseUrlFromEnv(env),
    ...jwtClaimsFromEnv(env),
    tokenTtlSeconds: envNumber(env, 'JWT_TTL_SECONDS', 900, {
      min: 30,
      max: 86_400,
      integer: true,
    }),
    signingKey: parseSigningKey(envOptional(env, 'JWT_SIGNING_KEY')),
    demoUsers: parseDemoUsers(
      envString(env, 'DEMO_USERS', 'alice@example.com:alice-password,bob@example.com:bob-password'),
    ),
  };
}
