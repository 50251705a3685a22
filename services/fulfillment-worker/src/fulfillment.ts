import type { OrderCreated } from '@tracing-demo/messaging';
import { inTransaction, type Pool } from '@tracing-demo/service-kit';

export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS fulfillments (
     order_id uuid PRIMARY KEY,
     message_id text NOT NULL,
     fulfilled_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE IF NOT EXISTS stock_reservations (
     sku text PRIMARY KEY,
     reserved integer NOT NULL
   )`,
];

export type FulfillmentResult = 'fulfilled' | 'duplicate';

/**
 * Reserves the order's stock and marks it fulfilled, once: the fulfillments row keyed by order
 * id is written in the same transaction, so a redelivered event finds it and changes nothing.
 */
export async function fulfillOrder(
  pool: Pool,
  event: OrderCreated,
  messageId: string,
): Promise<FulfillmentResult> {
  return inTransaction(pool, async (client) => {
    const claimed = await client.query(
      'INSERT INTO fulfillments (order_id, message_id) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING',
      [event.orderId, messageId],
    );
    if (claimed.rowCount === 0) return 'duplicate';
    // In one order of SKU for every transaction: two orders sharing SKUs, handled at once (a
    // backlog after an outage), would otherwise lock the same rows in opposite orders and
    // deadlock.
    const items = [...event.items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    for (const item of items) {
      await client.query(
        `INSERT INTO stock_reservations (sku, reserved) VALUES ($1, $2)
         ON CONFLICT (sku) DO UPDATE SET reserved = stock_reservations.reserved + EXCLUDED.reserved`,
        [item.sku, item.quantity],
      );
    }
    await client.query(`UPDATE orders SET status = 'fulfilled' WHERE id = $1`, [event.orderId]);
    return 'fulfilled';
  });
}
