import {
  ConfigError,
  envNumber,
  envOptional,
  envString,
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
  /** PKCS#8 PEM of an Ed25519 key; the chart keeps it in a Secret across upgrades. */
  signingKeyPem: string | undefined;
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

export function loadConfig(env: NodeJS.ProcessEnv): AuthConfig {
  return {
    server: serverConfigFromEnv(env, 3001),
    databaseUrl: envString(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/tracing_demo'),
    issuer: envString(env, 'JWT_ISSUER', 'tracing-demo-auth'),
    audience: envString(env, 'JWT_AUDIENCE', 'tracing-demo'),
    tokenTtlSeconds: envNumber(env, 'JWT_TTL_SECONDS', 900, {
      min: 30,
      max: 86_400,
      integer: true,
    }),
    signingKeyPem: envOptional(env, 'JWT_SIGNING_KEY'),
    demoUsers: parseDemoUsers(
      envString(env, 'DEMO_USERS', 'alice@example.com:alice-password,bob@example.com:bob-password'),
    ),
  };
}
