import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, exportJWK, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALICE, type AuthService, authServiceStarter, freshDatabase, login } from './helpers.js';

let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await freshDatabase('auth_signing_key');
});

const start = authServiceStarter(() => databaseUrl);

const pkcs8Pem = (key: ReturnType<typeof generateKeyPairSync>['privateKey']) =>
  key.export({ format: 'pem', type: 'pkcs8' }).toString();

async function publishedKid(app: AuthService) {
  const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
  return jwks.keys[0].kid as string;
}

async function tokenFrom(app: AuthService): Promise<string> {
  const response = await login(app, ALICE);
  expect(response.statusCode).toBe(200);
  return response.json().accessToken;
}

describe('JWT_SIGNING_KEY', () => {
  it('signs tokens with the configured Ed25519 key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const app = await start({ JWT_SIGNING_KEY: pkcs8Pem(privateKey) });

    const token = await tokenFrom(app);

    await expect(
      jwtVerify(token, publicKey, { issuer: 'tracing-demo-auth', audience: 'tracing-demo' }),
    ).resolves.toBeDefined();
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    expect(decodeProtectedHeader(token).kid).toBe(kid);
    const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    expect(jwks.keys).toEqual([{ ...publicJwk, kid, alg: 'EdDSA', use: 'sig' }]);
  });

  it('keeps the kid, and tokens stay valid, across a restart', async () => {
    const pem = pkcs8Pem(generateKeyPairSync('ed25519').privateKey);
    const before = await start({ JWT_SIGNING_KEY: pem });
    const kid = await publishedKid(before);
    const token = await tokenFrom(before);
    await before.close();

    const after = await start({ JWT_SIGNING_KEY: pem });

    expect(await publishedKid(after)).toBe(kid);
    const verified = await after.inject({ method: 'POST', url: '/verify', payload: { token } });
    expect(verified.statusCode).toBe(200);
  });

  it('accepts the PEM with its line breaks written as \\n, as env files often carry it', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const app = await start({ JWT_SIGNING_KEY: pkcs8Pem(privateKey).replace(/\n/g, '\\n') });

    await expect(jwtVerify(await tokenFrom(app), publicKey)).resolves.toBeDefined();
  });

  it('without a key, makes one per start: tokens do not survive a restart', async () => {
    const before = await start();
    const kid = await publishedKid(before);
    const token = await tokenFrom(before);
    await before.close();

    const after = await start();

    expect(await publishedKid(after)).not.toBe(kid);
    const verified = await after.inject({ method: 'POST', url: '/verify', payload: { token } });
    expect(verified.statusCode).toBe(401);
  });

  it.each([
    ['an RSA key', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'rsa'],
    ['a P-256 key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'ec'],
    ['an X25519 key', () => generateKeyPairSync('x25519').privateKey, 'x25519'],
  ])('refuses to start with %s', async (_case, makeKey, type) => {
    await expect(start({ JWT_SIGNING_KEY: pkcs8Pem(makeKey()) })).rejects.toThrow(
      `JWT_SIGNING_KEY must be an Ed25519 key (got ${type})`,
    );
  });
});
