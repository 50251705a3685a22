import { setTimeout as sleep } from 'node:timers/promises';
import { outsideTrace } from '@tracing-demo/telemetry';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import pg from 'pg';
import { envString } from './env.js';

export type Pool = pg.Pool;

/** DATABASE_URL; order-service and the worker share one database, auth-service may too. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv): string {
  return envString(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/tracing_demo');
}
export type PoolClient = pg.PoolClient;

/**
 * A bounded pool with short timeouts: when PostgreSQL is slow or gone, requests fail fast with
 * a 503 and readiness goes red, instead of piling up.
 */
export function createPool(url: string, applicationName: string, log: FastifyBaseLogger): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: applicationName,
    max: 10,
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, that would
  // crash the process. Log it: the next query gets a fresh connection.
  pool.on('error', (error) => log.warn({ err: error }, 'idle PostgreSQL connection failed'));
  return pool;
}

/**
 * Runs `work` in one transaction: committed if it resolves, rolled back if it throws. A
 * checked-out client whose connection dies between queries emits 'error' with nobody listening
 * (the pool listens only to idle ones), which would crash the process: here the failure is
 * kept, the next query rejects, and the broken client is destroyed instead of reused.
 *
 * BEGIN and COMMIT get no span: they take microseconds, the statements sit between them below
 * the span that opened the transaction, and a failed COMMIT fails that span. ROLLBACK keeps
 * its span: it marks the failed path.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>) {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await outsideTrace(() => client.query('BEGIN'));
    const result = await work(client);
    await outsideTrace(() => client.query('COMMIT'));
    return result;
  } catch (error) {
    if (!broken && isDatabaseUnavailable(error)) broken = error as Error;
    if (!broken) await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/**
 * Applies idempotent schema statements at start-up. The advisory lock serialises replicas
 * starting together, so two pods never race on CREATE TABLE.
 */
export async function migrate(pool: Pool, service: string, statements: readonly string[]) {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [service]);
    for (const statement of statements) await client.query(statement);
  });
}

export function databaseReadiness(pool: Pool) {
  return async () => {
    await pool.query('SELECT 1');
  };
}

/**
 * Errors that mean PostgreSQL is not reachable *yet* (a fresh install starts the services and
 * the database together): refused, unresolvable or reset connections, connect timeouts, and
 * "the database system is starting up" (57P03). A wrong password or a bad schema is not one.
 */
export function isNotUpYet(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') {
    return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', '57P03'].includes(
      code,
    );
  }
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated unexpectedly/.test(message);
}

/** SQLSTATEs of a server going away or refusing work: shutdown, crash, connection failures. */
const UNAVAILABLE_CODES = ['57P01', '57P02', '08000', '08001', '08003', '08004', '08006', '53300'];

/**
 * PostgreSQL is unreachable or going away: not up yet (above), shutting down, the connection
 * lost. A request that meets it gets a 503 (installErrorHandlers), and a consumer retries.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error === undefined || error === null) return false;
  if (isNotUpYet(error)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.includes(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|Client has encountered a connection error|Client was closed/.test(
    message,
  );
}

/**
 * Under the chart's startup probe (30 × 2 s): a service still waiting for PostgreSQL after this
 * exits with the last error, and Kubernetes restarts it, rather than waiting forever.
 */
export const DATABASE_STARTUP_TIMEOUT_MS = 45_000;

/**
 * A service's database: the pool, closed when the app closes (after anything registered later,
 * as fastify runs closing hooks in reverse), with the service's schema applied — once
 * PostgreSQL answers, retrying with backoff for up to `startupTimeoutMs` while it is not up yet.
 */
export async function openDatabase(
  app: FastifyInstance,
  options: { url: string; service: string; schema: readonly string[]; startupTimeoutMs?: number },
): Promise<Pool> {
  const pool = createPool(options.url, options.service, app.log);
  app.addHook('onClose', () => pool.end());
  const deadline = Date.now() + (options.startupTimeoutMs ?? DATABASE_STARTUP_TIMEOUT_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(pool, options.service, options.schema);
      return pool;
    } catch (error) {
      const delayMs = Math.min(5_000, 250 * 2 ** (attempt - 1));
      if (!isNotUpYet(error) || Date.now() + delayMs > deadline) throw error;
      app.log.warn({ err: error, attempt, retryInMs: delayMs }, 'PostgreSQL not reachable yet');
      await sleep(delayMs);
    }
  }
}
