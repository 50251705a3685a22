import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, closedPortUrl, type Gateway } from './helpers.js';

let gateway: Gateway;

// Nothing listens behind this gateway: a request that got past the checks would be a 502.
beforeAll(async () => {
  gateway = await buildGateway({
    BODY_LIMIT_BYTES: '512',
    AUTH_SERVICE_URL: await closedPortUrl(),
    ORDER_SERVICE_URL: await closedPortUrl(),
  });
});
afterAll(async () => {
  await gateway?.close();
});

const postLogin = (payload: string | object, contentType = 'application/json') =>
  gateway.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'content-type': contentType },
    payload,
  });

describe('what the gateway refuses before forwarding', () => {
  it('refuses a body over BODY_LIMIT_BYTES with 413', async () => {
    const response = await postLogin({ email: 'alice@example.com', password: 'x'.repeat(600) });

    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Request body is too large',
    });
  });

  it('lets a body under the limit through', async () => {
    const email = `${'a'.repeat(60)}@${'b'.repeat(60)}.example.com`;
    const body = { email, password: 'x'.repeat(256) };
    expect(JSON.stringify(body).length).toBeGreaterThan(400);

    const response = await postLogin(body);

    // Past the body limit and validation: the (absent) auth-service is asked.
    expect(response.statusCode).toBe(502);
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await postLogin('{"email": "alice@example.com",');

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringContaining('not valid JSON'),
    });
  });

  it('refuses a content type it does not speak with 415', async () => {
    const response = await postLogin(
      '<login><email>alice@example.com</email></login>',
      'application/xml',
    );

    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: "content-type must be application/json (got 'application/xml')",
    });
  });

  it('refuses text/plain with 415 too, rather than parsing it as a string', async () => {
    const response = await postLogin('{"email": "alice@example.com"}', 'text/plain');

    expect(response.statusCode).toBe(415);
    expect(response.json().message).toBe(
      "content-type must be application/json (got 'text/plain')",
    );
  });

  it('refuses a body that breaks the schema with 400 naming the field', async () => {
    const response = await postLogin({ email: 'alice@example.com', password: 'p', role: 'admin' });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe("invalid request: body has an unknown property 'role'");
  });
});
