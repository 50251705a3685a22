import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, type AuthService, buildAuthService, freshDatabase, login } from './helpers.js';

let app: AuthService;

beforeAll(async () => {
  app = await buildAuthService({ DATABASE_URL: await freshDatabase('auth_verify') });
});
afterAll(async () => {
  await app?.close();
});

const verify = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/verify', payload: payload as object });

const INVALID = { statusCode: 401, error: 'Unauthorized', message: 'token is invalid or expired' };

describe('POST /verify', () => {
  it('says a token it issued is active, for whom and until when', async () => {
    const token = (await login(app, ALICE)).json().accessToken;

    const response = await verify({ token });

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({ active: true, sub: expect.any(String), exp: expect.any(Number) });
    expect(body.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('refuses a token that is not a JWT', async () => {
    const response = await verify({ token: 'not-a-token' });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(INVALID);
  });

  it('refuses a token it issued whose payload was edited', async () => {
    const token: string = (await login(app, ALICE)).json().accessToken;
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const edited = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString(
      'base64url',
    );

    const response = await verify({ token: `${header}.${edited}.${signature}` });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(INVALID);
  });

  it('refuses a well-formed token signed by another key', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('someone')
      .setIssuer('tracing-demo-auth')
      .setAudience('tracing-demo')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(generateKeyPairSync('ed25519').privateKey);

    const response = await verify({ token });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(INVALID);
  });

  it('answers 400 when the token field is missing', async () => {
    const response = await verify({});

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe(
      "invalid request: body must have required property 'token'",
    );
  });
});
