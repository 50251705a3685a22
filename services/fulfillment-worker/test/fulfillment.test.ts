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

it('fulfils a backlog of orders sharing SKUs at once without deadlocking', async () => {
  // After an outage the events arrive together; items come in any order within an order.
  const orders = Array.from({ length: 30 }, (_, i) => ({
    ...event,
    orderId: `0d7b8c1a-3f2e-4b5a-9c8d-${String(i).padStart(12, '0')}`,
    items:
      i % 2 === 0
        ? [
            { sku: 'SKU-GRINDER', quantity: 1 },
            { sku: 'SKU-FILTER', quantity: 1 },
          ]
        : [
            { sku: 'SKU-FILTER', quantity: 1 },
            { sku: 'SKU-GRINDER', quantity: 1 },
          ],
  }));
  for (const order of orders)
    await pool.query(`INSERT INTO orders (id, status) VALUES ($1, 'paid')`, [order.orderId]);

  const results = await Promise.allSettled(
    orders.map((order, i) => fulfillOrder(pool, order, `backlog-${i}`)),
  );

  expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  const { rows } = await pool.query(
    `SELECT sku, reserved FROM stock_reservations WHERE sku IN ('SKU-FILTER', 'SKU-GRINDER') ORDER BY sku`,
  );
  expect(rows).toEqual([
    { sku: 'SKU-FILTER', reserved: 30 },
    { sku: 'SKU-GRINDER', reserved: 30 },
  ]);
});
