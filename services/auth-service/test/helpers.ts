import { createDatabase } from '@tracing-demo/platform';
import { createServiceApp } from '@tracing-demo/service-kit';
import { afterEach, inject } from 'vitest';
import authService from '../src/app.js';
import { loadConfig } from '../src/config.js';

export const ALICE = { email: 'alice@example.com', password: 'alice-password' };
export const BOB = { email: 'bob@example.com', password: 'bob-password' };
export const DEMO_USERS = `${ALICE.email}:${ALICE.password},${BOB.email}:${BOB.password}`;

/** A fresh, empty database of this name in the run's PostgreSQL; one name per test file. */
export function freshDatabase(name: string): Promise<string> {
  return createDatabase(inject('postgresAdminUrl'), name);
}

/** auth-service built the way server.ts builds it, from env (never listening). */
export async function buildAuthService(env: Record<string, string>) {
  const config = loadConfig({ LOG_LEVEL: 'silent', DEMO_USERS, ...env });
  const app = createServiceApp(config.server);
  try {
    await app.register(authService, config);
    await app.ready();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}

export type AuthService = Awaited<ReturnType<typeof buildAuthService>>;

export function login(app: AuthService, credentials: unknown) {
  return app.inject({ method: 'POST', url: '/login', payload: credentials as object });
}

/**
 * Builds auth-service apps on demand, for tests about restarts and replicas on one database;
 * every app a test started is closed after it.
 */
export function authServiceStarter(databaseUrl: () => string) {
  const apps: AuthService[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  return async (env: Record<string, string> = {}) => {
    const app = await buildAuthService({ DATABASE_URL: databaseUrl(), ...env });
    apps.push(app);
    return app;
  };
}
