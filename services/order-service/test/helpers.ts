import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDatabase } from '@tracing-demo/platform';
import { createServiceApp } from '@tracing-demo/service-kit';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, inject } from 'vitest';
import paymentService from '../../payment-service/src/app.js';
import { loadConfig as loadPaymentConfig } from '../../payment-service/src/config.js';
import orderService from '../src/app.js';
import { loadConfig } from '../src/config.js';

export const GOOD_CARD = '4111111111111111';
export const DECLINED_CARD = '4000000000000002';

export interface TokenClaims {
  sub: string;
  iss: string;
  aud: string;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
}

/**
 * Stands in for auth-service's key publishing: an Ed25519 key the test holds, its public half
 * served as a JWKS at /.well-known/jwks.json, and tokens signed the way auth-service signs them.
 */
export async function startTokenIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const jwks = JSON.stringify({
    keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }],
  });
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  /** A token for `sub`; any claim, the key and the kid can be overridden to forge a bad one. */
  function token(
    claims: Partial<TokenClaims> = {},
    { key = privateKey, keyId = kid }: { key?: KeyObject; keyId?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: keyId, typ: 'JWT' })
      .setSubject(claims.sub ?? randomUUID())
      .setIssuer(claims.iss ?? 'tracing-demo-auth')
      .setAudience(claims.aud ?? 'tracing-demo')
      .setIssuedAt(claims.iat ?? now)
      .setExpirationTime(claims.exp ?? now + 900)
      .sign(key);
  }

  return {
    /** What AUTH_SERVICE_URL would be: the JWKS is under it. */
    url: `http://127.0.0.1:${port}`,
    kid,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TokenIssuer = Awaited<ReturnType<typeof startTokenIssuer>>;

/** The real payment-service, listening on a free loopback port. */
export async function startPaymentService() {
  const config = loadPaymentConfig({ LOG_LEVEL: 'silent' });
  const app = createServiceApp(config.server);
  await app.register(paymentService, config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

export type PaymentService = Awaited<ReturnType<typeof startPaymentService>>;

export function freshDatabase(name: string): Promise<string> {
  return createDatabase(inject('postgresAdminUrl'), name);
}

/** order-service built the way server.ts builds it, from env (never listening). */
export async function buildOrderService(env: {
  DATABASE_URL: string;
  AUTH_SERVICE_URL: string;
  PAYMENT_SERVICE_URL: string;
}) {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const app = createServiceApp(config.server);
  await app.register(orderService, config);
  await app.ready();
  return app;
}

export type OrderService = Awaited<ReturnType<typeof buildOrderService>>;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The usual setup of an order-service test file: a token issuer, a real payment-service and the
 * app on a fresh database, built before the file's tests and closed after them.
 */
export function orderServiceFixture(databaseName: string) {
  const fixture = {} as { issuer: TokenIssuer; payment: PaymentService; app: OrderService };
  beforeAll(async () => {
    fixture.issuer = await startTokenIssuer();
    fixture.payment = await startPaymentService();
    fixture.app = await buildOrderService({
      DATABASE_URL: await freshDatabase(databaseName),
      AUTH_SERVICE_URL: fixture.issuer.url,
      PAYMENT_SERVICE_URL: fixture.payment.url,
    });
  });
  afterAll(async () => {
    await fixture.app?.close();
    await fixture.payment?.app.close();
    await fixture.issuer?.close();
  });
  return fixture;
}
