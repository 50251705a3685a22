import type { AddressInfo } from 'node:net';
import { createDatabase, freePort } from '@tracing-demo/platform';
import { createServiceApp, type ServiceApp } from '@tracing-demo/service-kit';
import { afterAll, beforeAll, inject } from 'vitest';
import authService from '../../auth-service/src/app.js';
import { loadConfig as loadAuthConfig } from '../../auth-service/src/config.js';
import orderService from '../../order-service/src/app.js';
import { loadConfig as loadOrderConfig } from '../../order-service/src/config.js';
import paymentService from '../../payment-service/src/app.js';
import { loadConfig as loadPaymentConfig } from '../../payment-service/src/config.js';
import apiGateway from '../src/app.js';
import { loadConfig } from '../src/config.js';

export const ALICE = { email: 'alice@example.com', password: 'alice-password' };

/** A loopback URL where nothing listens: connections to it are refused. */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

/** api-gateway built the way server.ts builds it, from env (never listening). */
export async function buildGateway(env: Record<string, string>) {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const app = createServiceApp(config.server);
  await app.register(apiGateway, config);
  await app.ready();
  return app;
}

export type Gateway = Awaited<ReturnType<typeof buildGateway>>;

export interface RunningService {
  url: string;
  close(): Promise<void>;
}

async function listening(app: ServiceApp): Promise<RunningService> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * The gateway's real backends, in this process on free loopback ports: auth-service (which also
 * publishes the JWKS the gateway verifies tokens with), and order-service with payment-service
 * behind it when `orders` is set. One database, named per test file.
 */
export async function startBackends(databaseName: string, { orders = false } = {}) {
  const databaseUrl = await createDatabase(inject('postgresAdminUrl'), databaseName);
  const started: RunningService[] = [];
  const start = async (build: () => Promise<ServiceApp>) => {
    const service = await listening(await build());
    started.unshift(service);
    return service;
  };
  const close = async () => {
    for (const service of started) await service.close();
  };
  try {
    const auth = await start(async () => {
      const config = loadAuthConfig({
        LOG_LEVEL: 'silent',
        DATABASE_URL: databaseUrl,
        DEMO_USERS: `${ALICE.email}:${ALICE.password}`,
      });
      const app = createServiceApp(config.server);
      await app.register(authService, config);
      return app;
    });
    if (!orders) return { auth, order: undefined, close };
    const payment = await start(async () => {
      const config = loadPaymentConfig({ LOG_LEVEL: 'silent' });
      const app = createServiceApp(config.server);
      await app.register(paymentService, config);
      return app;
    });
    const order = await start(async () => {
      const config = loadOrderConfig({
        LOG_LEVEL: 'silent',
        DATABASE_URL: databaseUrl,
        AUTH_SERVICE_URL: auth.url,
        PAYMENT_SERVICE_URL: payment.url,
      });
      const app = createServiceApp(config.server);
      await app.register(orderService, config);
      return app;
    });
    return { auth, order, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function loginThrough(gateway: Gateway, credentials = ALICE): Promise<string> {
  const response = await gateway.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: credentials,
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
  return response.json().accessToken;
}

/**
 * A gateway whose backends are all unreachable, built before the file's tests and closed after:
 * for behaviour that must not depend on them (errors, ids, routing, keys being unavailable).
 */
export function offlineGatewayFixture() {
  const fixture = {} as { gateway: Gateway };
  beforeAll(async () => {
    fixture.gateway = await buildGateway({
      AUTH_SERVICE_URL: await closedPortUrl(),
      ORDER_SERVICE_URL: await closedPortUrl(),
    });
  });
  afterAll(async () => {
    await fixture.gateway?.close();
  });
  return fixture;
}
