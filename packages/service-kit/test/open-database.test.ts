/**
 * openDatabase against the run's real PostgreSQL, made unreachable for a while: on a fresh
 * install the services start with the database, and must wait for it instead of exiting.
 * The "not up yet" database is a port that refuses connections until a TCP relay to the real
 * server opens on it.
 */
import { connect, createServer, type Server } from 'node:net';
import { Writable } from 'node:stream';
import { createDatabase, freePort, waitFor } from '@tracing-demo/platform';
import fastify from 'fastify';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { isNotUpYet, openDatabase } from '../src/db.js';

const SCHEMA = ['CREATE TABLE IF NOT EXISTS probe (id int PRIMARY KEY)'];
const closers: (() => Promise<unknown>)[] = [];
// In order: the app (its pool's connections) before the relay, which waits for them to end.
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A relay on `port` to the real server, opened later. */
function relay(port: number, target: URL): Promise<Server> {
  const server = createServer((socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** A fastify app whose log lines land in `logged`. */
async function app(logged: string[] = []) {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  const instance = fastify({ logger: { level: 'warn', stream } });
  closers.push(() => instance.close());
  return instance;
}

describe('openDatabase', () => {
  it('waits for a PostgreSQL that comes up after the service, then applies the schema', async () => {
    const real = new URL(await createDatabase(inject('postgresAdminUrl'), 'open_database_late'));
    const port = await freePort();
    const late = new URL(real);
    late.port = String(port);
    const logged: string[] = [];
    const opening = openDatabase(await app(logged), {
      url: late.toString(),
      service: 'probe',
      schema: SCHEMA,
    });
    // Nothing listens yet: attempts are refused and logged. Open the port while it retries.
    await waitFor(
      'two refused attempts',
      () => logged.filter((line) => line.includes('PostgreSQL not reachable yet')).length >= 2,
    );
    expect(logged.join('')).toContain('ECONNREFUSED');
    await relay(port, real);
    const pool = await opening;
    const { rows } = await pool.query("SELECT to_regclass('probe') AS t");
    expect(rows[0].t).toBe('probe');
  });

  it('gives up with the last error once the startup timeout has passed', async () => {
    const url = new URL(await createDatabase(inject('postgresAdminUrl'), 'open_database_never'));
    url.port = String(await freePort());
    const started = Date.now();
    const error = await openDatabase(await app(), {
      url: url.toString(),
      service: 'probe',
      schema: SCHEMA,
      startupTimeoutMs: 1_500,
    }).catch((e: unknown) => e);
    expect(isNotUpYet(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails at once on an error that retrying cannot fix (unknown database)', async () => {
    const url = new URL(inject('postgresAdminUrl'));
    url.pathname = '/no_such_database';
    const started = Date.now();
    const error = await openDatabase(await app(), {
      url: url.toString(),
      service: 'probe',
      schema: SCHEMA,
      startupTimeoutMs: 30_000,
    }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('3D000');
    expect(isNotUpYet(error)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
