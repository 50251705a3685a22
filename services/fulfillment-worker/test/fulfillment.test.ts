import { createDatabase } from '@tracing-demo/platform';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { fulfillOrder, SCHEMA } from '../src/fulfillment.js';

let pool: pg.Pool;
const orderId = '0d7b8c1a-3f2e-4b5a-9c8d-7e6f5a4b3c2d';

beforeAll(async () => {
  pool = new pg.Pool({
    connectionString: await createDatabase(inject('postgresAdminUrl'), 'unit_fulfillment'),
  });
  // The orders table belongs to order-service; a minimal stand-in with the column the worker sets.
  await pool.query(`CREATE TABLE orders (id uuid PRIMARY KEY, status text NOT NULL)`);
  for (const statement of SCHEMA) await pool.query(statement);
  await pool.query(`INSERT INTO orders (id, status) VALUES ($1, 'paid')`, [orderId]);
});
afterAll(async () => {
  await pool?.end();
});

const event = {
  version: 1 as const,
  orderId,
  userId: 'user-1',
  items: [
    { sku: 'SKU-MUG', quantity: 2 },
    { sku: 'SKU-COFFEE', quantity: 1 },
  ],
  totalCents: 5097,
  currency: 'USD',
  createdAt: new Date().toISOString(),
};

it('fulfils an order once, however often the event is delivered', async () => {
  expect(await fulfillOrder(pool, event, 'message-1')).toBe('fulfilled');
  expect(await fulfillOrder(pool, event, 'message-1')).toBe('duplicate');
  expect(await fulfillOrder(pool, event, 'message-2')).toBe('duplicate');

  const { rows: reserved } = await pool.query(
    'SELECT sku, reserved FROM stock_reservations ORDER BY sku',
  );
  expect(reserved).toEqual([
    { sku: 'SKU-COFFEE', reserved: 1 },
    { sku: 'SKU-MUG', reserved: 2 },
  ]);
  const { rows: orders } = await pool.query('SELECT status FROM orders WHERE id = $1', [orderId]);
  expect(orders[0]?.status).toBe('fulfilled');
  const { rows: fulfillments } = await pool.query('SELECT message_id FROM fulfillments');
  expect(fulfillments).toEqual([{ message_id: 'message-1' }]);
});
