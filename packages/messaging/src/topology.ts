import type { Channel } from 'amqplib';

/**
 * Names and shape of the order events' path through RabbitMQ. Producer and consumer both
 * declare all of it (declarations are idempotent), so an event published before the worker ever
 * ran still has a queue to wait in instead of being dropped by an exchange with no bindings.
 */
export const ORDERS_EXCHANGE = 'orders';
export const ORDER_CREATED = 'order.created';
export const FULFILLMENT_QUEUE = 'fulfillment.order-created';
export const DEAD_LETTER_EXCHANGE = 'orders.dead-letter';
export const DEAD_LETTER_QUEUE = 'fulfillment.order-created.dead-letter';

export async function declareTopology(channel: Channel): Promise<void> {
  await channel.assertExchange(ORDERS_EXCHANGE, 'topic', { durable: true });
  await channel.assertExchange(DEAD_LETTER_EXCHANGE, 'fanout', { durable: true });
  await channel.assertQueue(FULFILLMENT_QUEUE, {
    durable: true,
    deadLetterExchange: DEAD_LETTER_EXCHANGE,
  });
  await channel.bindQueue(FULFILLMENT_QUEUE, ORDERS_EXCHANGE, ORDER_CREATED);
  await channel.assertQueue(DEAD_LETTER_QUEUE, { durable: true });
  await channel.bindQueue(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE, '');
}
