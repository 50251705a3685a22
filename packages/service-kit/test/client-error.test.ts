/**
 * Requests Node cannot parse never reach fastify's routes: over a real socket, they get the
 * platform's error shape, and a HEAD gets no body (which a client would read as its next answer).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp } from '../src/app.js';

const app = createServiceApp({ logLevel: 'silent', bodyLimitBytes: 1024 });
let port = 0;

beforeAll(async () => {
  app.get('/orders/:id', async () => ({ ok: true }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app.close();
});

/** Writes `request` and returns everything the server sent until it closed the connection. */
function exchange(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.end(request);
  });
}

const LONG_PATH = `/orders/${'a'.repeat(17_000)}`;

describe('URLs the router cannot take', () => {
  it('answer 400 to an undecodable path and 414 to a parameter over 100 characters', async () => {
    const bad = await app.inject({ method: 'GET', url: '/orders/%zz-secret-value' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'malformed URL' });

    const long = await app.inject({ method: 'GET', url: `/orders/${'b'.repeat(200)}` });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toEqual({
      statusCode: 414,
      error: 'URI Too Long',
      message: 'a path segment is too long',
    });
  });
});

describe('requests Node cannot parse', () => {
  it('answer 431 in the platform’s error shape when the headers are too large', async () => {
    const answer = await exchange(`GET ${LONG_PATH} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const [head, body] = answer.split('\r\n\r\n');

    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(body ?? '')).toEqual({
      statusCode: 431,
      error: 'Request Header Fields Too Large',
      message: 'request headers too large',
    });
  });

  it('answer a HEAD without a body', async () => {
    const answer = await exchange(`HEAD ${LONG_PATH} HTTP/1.1\r\nHost: x\r\n\r\n`);

    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer.endsWith('\r\n\r\n')).toBe(true);
    expect(answer.split('\r\n\r\n')[1]).toBe('');
  });

  it('answer 400 to a malformed request line without echoing it', async () => {
    const answer = await exchange('GARBAGE secret-value\r\n\r\n');

    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).not.toContain('secret-value');
    expect(JSON.parse(answer.split('\r\n\r\n')[1] ?? '')).toMatchObject({ statusCode: 400 });
  });
});
