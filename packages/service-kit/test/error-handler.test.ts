import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp } from '../src/app.js';
import { HttpError } from '../src/errors.js';

const app = createServiceApp({ logLevel: 'silent', bodyLimitBytes: 1024 });

beforeAll(async () => {
  app.get('/crash', async () => {
    throw new Error('connect ECONNREFUSED 10.0.3.7:5432 (user=orders password=hunter2)');
  });
  app.get('/unavailable', async () => {
    throw new HttpError(503, 'payment processor unavailable', { 'retry-after': '5' });
  });
  app.get('/database-down', async () => {
    throw Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
  });
  app.get('/database-refused', async () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
  });
  app.get('/conflict', async () => {
    throw new HttpError(409, "only 25 of 'SKU-GRINDER' in stock");
  });
  app.post(
    '/typed',
    {
      schema: { body: Type.Object({ quantity: Type.Integer() }, { additionalProperties: false }) },
    },
    async () => ({ ok: true }),
  );
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

describe('the error handler every service shares', () => {
  it('hides what an unexpected error says behind a 500 "internal error"', async () => {
    const response = await app.inject({ method: 'GET', url: '/crash' });

    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'internal error',
    });
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('10.0.3.7');
  });

  it('answers 503 with retry-after, not 500, while PostgreSQL is down or going away', async () => {
    for (const url of ['/database-down', '/database-refused']) {
      const response = await app.inject({ method: 'GET', url });

      expect(response.statusCode, url).toBe(503);
      expect(response.headers['retry-after'], url).toBe('5');
      expect(response.json(), url).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the database is unavailable; retry shortly',
      });
    }
  });

  it('keeps the message and headers of an HttpError, server errors included', async () => {
    const response = await app.inject({ method: 'GET', url: '/unavailable' });

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'payment processor unavailable',
    });
  });

  it('passes a client error through with its status and message', async () => {
    const response = await app.inject({ method: 'GET', url: '/conflict' });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: "only 25 of 'SKU-GRINDER' in stock",
    });
  });

  it('turns a schema violation into a 400 naming the field', async () => {
    const wrongType = await app.inject({
      method: 'POST',
      url: '/typed',
      payload: { quantity: '2' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/typed',
      payload: { quantity: 2, discount: 100 },
    });

    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().message).toBe('invalid request: body/quantity must be integer');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toBe("invalid request: body has an unknown property 'discount'");
  });

  it('answers an unknown route with a JSON 404 naming it', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere?token=secret' });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'no route for GET /nowhere',
    });
  });

  it('puts the request id on error responses', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/crash',
      headers: { 'x-request-id': 'req-42' },
    });

    expect(response.headers['x-request-id']).toBe('req-42');
  });
});
