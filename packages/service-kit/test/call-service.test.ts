import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../src/errors.js';
import { callService } from '../src/upstream.js';

let baseUrl: string;
const received: { method?: string; headers: IncomingMessage['headers']; body: string }[] = [];

/** A backend whose behaviour each path names. */
const server = createServer((request, response: ServerResponse) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    received.push({ method: request.method, headers: request.headers, body });
    if (request.url === '/echo') {
      response.writeHead(201, { 'content-type': 'application/json' }).end(body || '{}');
    } else if (request.url === '/refuse') {
      response.writeHead(409, { 'content-type': 'application/json' }).end('{"message":"taken"}');
    } else if (request.url === '/empty') {
      response.writeHead(204).end();
    } else if (request.url === '/html') {
      response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>');
    }
    // '/hang' never answers.
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('callService', () => {
  it('sends JSON with the given headers and returns status and parsed body', async () => {
    const response = await callService('echo-service', `${baseUrl}/echo`, {
      method: 'POST',
      body: { orderId: 'o-1' },
      headers: { 'x-request-id': 'req-1', authorization: undefined },
    });

    expect(response).toEqual({ status: 201, body: { orderId: 'o-1' } });
    const sent = received.at(-1);
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['x-request-id']).toBe('req-1');
    expect(sent?.headers).not.toHaveProperty('authorization');
  });

  it('returns client errors from the backend for the caller to map', async () => {
    expect(await callService('svc', `${baseUrl}/refuse`)).toEqual({
      status: 409,
      body: { message: 'taken' },
    });
  });

  it('gives an empty answer as a null body', async () => {
    expect(await callService('svc', `${baseUrl}/empty`)).toEqual({ status: 204, body: null });
  });

  it('answers 502 naming the service when nothing listens', async () => {
    const error = await failure(
      callService('payment-service', `http://127.0.0.1:${await freePort()}/charges`),
    );

    expect(error.statusCode).toBe(502);
    expect(error.message).toBe('payment-service is unreachable');
  });

  it('answers 504 naming the service when it does not answer in time', async () => {
    const error = await failure(
      callService('payment-service', `${baseUrl}/hang`, { timeoutMs: 200 }),
    );

    expect(error.statusCode).toBe(504);
    expect(error.message).toBe('payment-service did not answer within 200 ms');
  });

  it('answers 502 when the service answers with something that is not JSON', async () => {
    const error = await failure(callService('order-service', `${baseUrl}/html`));

    expect(error.statusCode).toBe(502);
    expect(error.message).toBe('order-service sent a response that is not JSON');
  });
});
