import { inTransaction, type Pool } from '@tracing-demo/service-kit';
import type { PricedLine } from './catalog.js';
import { writeOrderCreated } from './outbox.js';

export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS orders (
     id uuid PRIMARY KEY,
     user_id text NOT NULL,
     status text NOT NULL,
     items jsonb NOT NULL,
     subtotal_cents integer NOT NULL,
     shipping_cents integer NOT NULL,
     total_cents integer NOT NULL,
     currency text NOT NULL,
     payment_method text NOT NULL,
     payment_id text,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  'CREATE INDEX IF NOT EXISTS orders_by_user ON orders (user_id, created_at DESC)',
  `CREATE TABLE IF NOT EXISTS outbox (
     id uuid PRIMARY KEY,
     event_type text NOT NULL,
     payload jsonb NOT NULL,
     trace_context jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     published_at timestamptz
   )`,
  'CREATE INDEX IF NOT EXISTS outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL',
];

export interface NewOrder {
  id: string;
  userId: string;
  items: PricedLine[];
  subtotalCents: number;
  shippingCents: number;
  totalCents: number;
  currency: string;
  paymentMethod: string;
  paymentId: string;
}

interface OrderRow {
  id: string;
  status: string;
  items: PricedLine[];
  subtotal_cents: number;
  shipping_cents: number;
  total_cents: number;
  currency: string;
  payment_method: string;
  created_at: Date;
}

const COLUMNS =
  'id, status, items, subtotal_cents, shipping_cents, total_cents, currency, payment_method, created_at';

function toOrder(row: OrderRow) {
  return {
    id: row.id,
    status: row.status,
    items: row.items,
    subtotalCents: row.subtotal_cents,
    shippingCents: row.shipping_cents,
    totalCents: row.total_cents,
    currency: row.currency,
    paymentMethod: row.payment_method,
    createdAt: row.created_at.toISOString(),
  };
}

export type StoredOrder = ReturnType<typeof toOrder>;

/**
 * Stores a paid order and its `order.created` event in one transaction: there is never an order
 * without its event, and RabbitMQ being down cannot fail the order (the relay publishes later).
 */
export async function saveOrder(pool: Pool, order: NewOrder): Promise<StoredOrder> {
  return inTransaction(pool, async (client) => {
    const result = await client.query<OrderRow>(
      `INSERT INTO orders (id, user_id, status, items, subtotal_cents, shipping_cents, total_cents,
                           currency, payment_method, payment_id)
       VALUES ($1, $2, 'paid', $3, $4, $5, $6, $7, $8, $9)
       RETURNING ${COLUMNS}`,
      [
        order.id,
        order.userId,
        JSON.stringify(order.items),
        order.subtotalCents,
        order.shippingCents,
        order.totalCents,
        order.currency,
        order.paymentMethod,
        order.paymentId,
      ],
    );
    const stored = toOrder(result.rows[0] as OrderRow);
    await writeOrderCreated(client, {
      version: 1,
      orderId: stored.id,
      userId: order.userId,
      items: order.items.map(({ sku, quantity }) => ({ sku, quantity })),
      totalCents: stored.totalCents,
      currency: stored.currency,
      createdAt: stored.createdAt,
    });
    return stored;
  });
}

/** Only the caller's own orders: someone else's order id reads as "not found". */
export async function findOrder(pool: Pool, userId: string, id: string) {
  const result = await pool.query<OrderRow>(
    `SELECT ${COLUMNS} FROM orders WHERE id = $1 AND user_id = $2`,
    [id, userId],
  );
  const row = result.rows[0];
  return row && toOrder(row);
}

export async function listOrders(pool: Pool, userId: string, limit = 50) {
  const result = await pool.query<OrderRow>(
    `SELECT ${COLUMNS} FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2`,
    [userId, limit],
  );
  return result.rows.map(toOrder);
}
