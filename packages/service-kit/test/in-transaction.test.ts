/**
 * inTransaction against the run's real PostgreSQL when the server ends the connection in the
 * middle of a transaction (as a shutdown does): the caller gets the error, the process does not
 * crash on the client's unhandled 'error' event, and the pool serves the next query.
 */
import { createDatabase } from '@tracing-demo/platform';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { inTransaction, isDatabaseUnavailable } from '../src/db.js';

let pool: pg.Pool;
let admin: pg.Client;

beforeAll(async () => {
  const url = await createDatabase(inject('postgresAdminUrl'), 'unit_in_transaction');
  pool = new pg.Pool({ connectionString: url, max: 2 });
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await pool?.end();
});

it('survives the connection being terminated between two queries of a transaction', async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    const failure = await inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      // The client learns of it between queries: the 'error' event, then this query fails.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client.query('SELECT 1');
    }).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(failure)).toBe(true);
    expect(uncaught).toEqual([]);
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});
