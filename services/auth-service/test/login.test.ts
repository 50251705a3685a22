import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, type AuthService, BOB, buildAuthService, freshDatabase, login } from './helpers.js';

let app: AuthService;

beforeAll(async () => {
  app = await buildAuthService({ DATABASE_URL: await freshDatabase('auth_login') });
});
afterAll(async () => {
  await app?.close();
});

async function publishedKeys() {
  const response = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  expect(response.statusCode).toBe(200);
  return createLocalJWKSet(response.json());
}

describe('POST /login', () => {
  it('gives a registered user a bearer token that verifies against the published JWKS', async () => {
    const response = await login(app, ALICE);

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    const { payload, protectedHeader } = await jwtVerify(body.accessToken, await publishedKeys(), {
      algorithms: ['EdDSA'],
      issuer: 'tracing-demo-auth',
      audience: 'tracing-demo',
    });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'JWT', kid: expect.any(String) });
    expect(payload.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(payload.exp).toBe(Number(payload.iat) + 900);
    expect(Math.abs(Number(payload.iat) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('signs with the key the JWKS publishes and nothing else', async () => {
    const keys = await (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    const token = (await login(app, ALICE)).json().accessToken;

    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(keys.keys[0]).not.toHaveProperty('d');
    expect(decodeProtectedHeader(token).kid).toBe(keys.keys[0].kid);
  });

  it('gives each user their own subject, the same at every login', async () => {
    const keys = await publishedKeys();
    const subjectOf = async (credentials: typeof ALICE) => {
      const token = (await login(app, credentials)).json().accessToken;
      return (await jwtVerify(token, keys)).payload.sub;
    };

    const alice = await subjectOf(ALICE);
    expect(await subjectOf(ALICE)).toBe(alice);
    expect(await subjectOf(BOB)).not.toBe(alice);
  });

  it('treats the e-mail address case-insensitively', async () => {
    const response = await login(app, { ...ALICE, email: 'Alice@Example.COM' });

    expect(response.statusCode).toBe(200);
  });

  it('refuses a wrong password and an unknown e-mail with the same 401', async () => {
    const wrongPassword = await login(app, { ...ALICE, password: 'not-alice-password' });
    const unknownUser = await login(app, {
      email: 'mallory@example.com',
      password: ALICE.password,
    });
    const otherUsersPassword = await login(app, { ...ALICE, password: BOB.password });

    const expected = {
      statusCode: 401,
      error: 'Unauthorized',
      message: 'invalid email or password',
    };
    expect(wrongPassword.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(expected);
    expect(unknownUser.statusCode).toBe(401);
    expect(unknownUser.json()).toEqual(expected);
    expect(otherUsersPassword.statusCode).toBe(401);
    expect(otherUsersPassword.json()).toEqual(expected);
  });
});
