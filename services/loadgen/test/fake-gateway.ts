import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { LoadConfig } from '../src/config.js';

export interface FakeGatewayOptions {
  /** Delay before answering order requests. */
  delayMs?: number;
  /** Never answer order requests (until the server closes). */
  hang?: boolean;
  /** Answer this many order requests per token, then 401 (the token "expired"). */
  tokenUses?: number;
}

/**
 * Just enough of the gateway's API to see what loadgen sends: it counts every request by
 * route and status, approves every card but the declined test card, and issues opaque tokens.
 */
export async function startFakeGateway(options: FakeGatewayOptions = {}) {
  const received: { route: string; status: number; syntheticToken?: string }[] = [];

  const tokenUses = new Map<string, number>();
  let logins = 0;
  const answer = (
    request: IncomingMessage,
    response: ServerResponse,
    route: string,
    status: number,
    body: unknown,
  ) => {
    const syntheticToken = request.headers['x-synthetic-token'] as string | undefined;
    received.push({ route, status, syntheticToken });
    response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req-1' });
    response.end(JSON.stringify(body));
  };
  const readBody = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  };
  const server = createServer(async (request, response) => {
    const path = request.url ?? '';
    if (request.method === 'POST' && path === '/api/auth/login') {
      const body = await readBody(request);
      if (body?.password !== 'right-password') {
        return answer(request, response, 'login', 401, { message: 'invalid email or password' });
      }
      logins += 1;
      return answer(request, response, 'login', 200, { accessToken: `token-${logins}` });
    }
    const route = request.method === 'POST' ? 'place' : path === '/api/orders' ? 'list' : 'get';
    const body = await readBody(request);
    const token = request.headers.authorization?.replace('Bearer ', '') ?? '';
    const uses = (tokenUses.get(token) ?? 0) + 1;
    tokenUses.set(token, uses);
    if (options.hang) return;
    if (options.delayMs) await sleep(options.delayMs);
    if (!token.startsWith('token-') || uses > (options.tokenUses ?? Infinity)) {
      return answer(request, response, route, 401, { message: 'token has expired' });
    }
    if (route === 'place') {
      if (body.cardNumber === '4000000000000002') {
        return answer(request, response, route, 402, { message: 'card declined by issuer' });
      }
      return answer(request, response, route, 201, { id: randomUUID() });
    }
    return answer(request, response, route, 200, route === 'list' ? { orders: [] } : { id: 'x' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    logins: () => logins,
    count: (route: string, status?: number) =>
      received.filter((r) => r.route === route && (status === undefined || r.status === status))
        .length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function loadConfigFor(gatewayUrl: string, overrides: Partial<LoadConfig> = {}): LoadConfig {
  return {
    gatewayUrl,
    ratePerSecond: 40,
    durationSeconds: 0.5,
    mix: { place: 0.5, list: 0.3, get: 0.2 },
    users: [
      { email: 'a@example.com', password: 'right-password' },
      { email: 'b@example.com', password: 'right-password' },
    ],
    concurrency: 50,
    walletFraction: 0.3,
    declineFraction: 0.3,
    requestTimeoutMs: 5_000,
    progressIntervalSeconds: 60,
    ...overrides,
  };
}

export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps what it is told, for asserting on warnings. */
export function recordingLogger(lines: LogLine[] = []): FastifyBaseLogger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (fields: Record<string, unknown> | string, msg = '') => {
      if (typeof fields === 'string') lines.push({ level, msg: fields, fields: {} });
      else lines.push({ level, msg, fields });
    };
  const logger = {
    lines,
    level: 'debug',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    silent: () => undefined,
    child: () => logger,
  };
  return logger as unknown as FastifyBaseLogger & { lines: LogLine[] };
}
