import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, type AuthService, buildAuthService, freshDatabase, login } from './helpers.js';

let app: AuthService;

beforeAll(async () => {
  app = await buildAuthService({ DATABASE_URL: await freshDatabase('auth_login_validation') });
});
afterAll(async () => {
  await app?.close();
});

describe('POST /login with bad input', () => {
  it.each([
    ['a missing password', { email: ALICE.email }, "body must have required property 'password'"],
    ['a missing e-mail', { password: ALICE.password }, "body must have required property 'email'"],
    ['an extra field', { ...ALICE, admin: true }, "body has an unknown property 'admin'"],
    [
      'a password that is not a string',
      { ...ALICE, password: 12345678 },
      'body/password must be string',
    ],
    [
      'an e-mail that is not an address',
      { ...ALICE, email: 'alice' },
      'body/email must match format "email"',
    ],
    [
      'an empty password',
      { ...ALICE, password: '' },
      'body/password must NOT have fewer than 1 characters',
    ],
  ])('answers 400 naming the field for %s', async (_case, credentials, message) => {
    const response = await login(app, credentials);

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: `invalid request: ${message}`,
    });
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "alice@example.com", "password": ',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringContaining('not valid JSON'),
    });
  });

  it('answers 400 to a JSON body that is not an object', async () => {
    const response = await login(app, [ALICE.email, ALICE.password]);

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe('invalid request: body must be object');
  });
});
