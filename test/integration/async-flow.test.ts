import { DEAD_LETTER_QUEUE, ORDER_CREATED, ORDERS_EXCHANGE } from '@tracing-demo/messaging';
import { renderTree, SpanKind, StatusCode } from '@tracing-demo/otlp';
import { type RabbitMqServer, startRabbitMq, waitFor } from '@tracing-demo/platform';
import type { CollectedSpan } from '@tracing-demo/testkit';
import amqp from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { login, request, type Stack, startStack } from './stack.js';

let rabbit: RabbitMqServer;
let stack: Stack;
let db: pg.Pool;
let token: string;

beforeAll(async () => {
  rabbit = await startRabbitMq();
  stack = await startStack(inject('postgresAdminUrl'), 'integration_async', {
    amqpUrl: rabbit.url,
  });
  db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  token = await login(stack);
});
afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await rabbit?.destroy();
});

async function placeOrder(quantity = 1) {
  const response = await request(`${stack.gateway.url}/api/orders`, {
    method: 'POST',
    body: { items: [{ sku: 'SKU-FILTER', quantity }], paymentMethod: 'wallet' },
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string };
}

const count = async (sql: string, params: unknown[] = []) =>
  Number((await db.query<{ n: string }>(sql, params)).rows[0]?.n);

const workerSpansFor = (orderId: string) =>
  stack.sink.spans.filter(
    (s) =>
      s.service === 'fulfillment-worker' &&
      s.name === 'fulfillOrder' &&
      s.attributes['order.id'] === orderId,
  );

describe('order.created through the outbox, RabbitMQ and the worker', () => {
  it('one order is ONE trace: gateway → order → payment, publish, and the worker consuming it', async () => {
    const order = await placeOrder();
    const trace = await waitFor('the worker spans in the order trace', () => {
      const orderServer = stack.sink.spans.find(
        (s) => s.name === 'POST /orders' && s.attributes['order.id'] === order.id,
      );
      if (!orderServer) return undefined;
      const spans = stack.sink.trace(orderServer.traceId);
      // fulfillOrder ends after its queries, so once it is here they are too.
      const done =
        spans.some((s) => s.service === 'fulfillment-worker' && s.name === 'fulfillOrder') &&
        spans.some((s) => s.service === 'api-gateway' && !s.parentSpanId);
      return done ? spans : undefined;
    });
    console.log(`order trace with the async hop:\n${renderTree(trace)}`);

    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const parentOf = (span: CollectedSpan) =>
      span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    const root = trace.filter((s) => !s.parentSpanId);
    expect(root.map((s) => s.service)).toEqual(['api-gateway']);
    expect(trace.some((s) => s.service === 'payment-service' && s.name === 'chargePayment')).toBe(
      true,
    );

    const publish = trace.find(
      (s) => s.service === 'order-service' && s.kind === SpanKind.PRODUCER,
    );
    expect(publish, renderTree(trace)).toBeDefined();
    expect(parentOf(publish as CollectedSpan)?.name).toBe('POST /orders');
    const consume = trace.find(
      (s) => s.service === 'fulfillment-worker' && s.kind === SpanKind.CONSUMER,
    );
    expect(consume, renderTree(trace)).toBeDefined();
    expect(consume?.parentSpanId).toBe(publish?.spanId);
    // The messaging conventions' attributes (packages/telemetry/src/messaging.ts), the same
    // message id at both ends; nothing from the broker's URL but its host and port.
    const message = {
      'messaging.system': 'rabbitmq',
      'messaging.destination.name': 'orders',
      'messaging.rabbitmq.destination.routing_key': 'order.created',
      'messaging.message.id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'server.address': '127.0.0.1',
      'server.port': expect.any(Number),
    };
    expect(publish?.name).toBe('publish orders');
    expect(publish?.attributes).toEqual({ ...message, 'messaging.operation.type': 'send' });
    expect(consume?.name).toBe('fulfillment.order-created process');
    expect(consume?.attributes).toEqual({ ...message, 'messaging.operation.type': 'process' });
    expect(consume?.attributes['messaging.message.id']).toBe(
      publish?.attributes['messaging.message.id'],
    );
    const fulfill = trace.find(
      (s) => s.service === 'fulfillment-worker' && s.name === 'fulfillOrder',
    );
    expect(parentOf(fulfill as CollectedSpan)?.spanId).toBe(consume?.spanId);
    expect(fulfill?.attributes['fulfillment.result']).toBe('fulfilled');
    // The worker's transaction is exactly its statements below fulfillOrder, one stock
    // reservation for the one item; no pg-pool.connect / pg.connect, BEGIN or COMMIT span
    // (packages/service-kit/src/db.ts).
    const workerQueries = trace
      .filter((s) => s.service === 'fulfillment-worker' && s.kind === SpanKind.CLIENT)
      .sort((a, b) => a.startMs - b.startMs);
    expect(
      workerQueries.map((s) => [
        s.parentSpanId === fulfill?.spanId,
        String(s.attributes['db.query.text']).split(/\s/, 1)[0],
      ]),
      renderTree(trace),
    ).toEqual([
      [true, 'INSERT'],
      [true, 'INSERT'],
      [true, 'UPDATE'],
    ]);
    expect(
      trace.every((s) => s.status.code !== StatusCode.ERROR),
      renderTree(trace),
    ).toBe(true);

    await waitFor(
      'the order to be fulfilled',
      async () =>
        (await count(`SELECT count(*) AS n FROM orders WHERE id = $1 AND status = 'fulfilled'`, [
          order.id,
        ])) === 1,
    );
  });

  it('orders succeed while RabbitMQ is down, and every event arrives exactly once after it returns', async () => {
    const reservedBefore = await count(
      `SELECT coalesce(sum(reserved), 0) AS n FROM stock_reservations WHERE sku = 'SKU-FILTER'`,
    );
    await rabbit.stop();
    const placed: { id: string }[] = [];
    try {
      for (let i = 1; i <= 8; i++) placed.push(await placeOrder(i));
      expect(
        await count('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL'),
        'events wait in the outbox while the broker is down',
      ).toBe(8);
    } finally {
      await rabbit.start();
    }
    const ids = placed.map((o) => o.id);
    await waitFor(
      'every outbox event to be fulfilled after RabbitMQ returned',
      async () =>
        (await count(`SELECT count(*) AS n FROM fulfillments WHERE order_id = ANY($1::uuid[])`, [
          ids,
        ])) === 8,
      { timeoutMs: 60_000 },
    );
    expect(await count('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).toBe(0);
    expect(
      await count(
        `SELECT count(*) AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'fulfilled'`,
        [ids],
      ),
    ).toBe(8);
    // Nothing duplicated in effect: stock reserved exactly once per order (1 + 2 + … + 8).
    expect(
      await count(`SELECT sum(reserved) AS n FROM stock_reservations WHERE sku = 'SKU-FILTER'`),
    ).toBe(reservedBefore + 36);
    // Nothing delivered twice: each order was processed by the worker exactly once.
    await waitFor('the worker spans', () => ids.every((id) => workerSpansFor(id).length > 0));
    for (const id of ids)
      expect(workerSpansFor(id).map((s) => s.attributes['fulfillment.result'])).toEqual([
        'fulfilled',
      ]);
  });

  it('a poison message goes to the dead-letter queue with an error span, and the worker keeps consuming', async () => {
    const connection = await amqp.connect(rabbit.url);
    try {
      const channel = await connection.createConfirmChannel();
      const poison = [
        ['not json', Buffer.from('{"version": 1, "orderId": ')],
        ['unknown version', Buffer.from(JSON.stringify({ version: 99, orderId: 'x' }))],
        [
          'wrong shape',
          Buffer.from(JSON.stringify({ version: 1, orderId: 'not-a-uuid', items: [] })),
        ],
      ] as const;
      for (const [id, body] of poison) {
        channel.publish(ORDERS_EXCHANGE, ORDER_CREATED, body, {
          messageId: `poison-${id}`,
          persistent: true,
        });
      }
      await channel.waitForConfirms();
      await waitFor(
        'the poison messages in the dead-letter queue',
        async () => (await channel.checkQueue(DEAD_LETTER_QUEUE)).messageCount === poison.length,
      );
      for (const [id] of poison) {
        const span = await waitFor(`the error span of poison message '${id}'`, () =>
          stack.sink.spans.find(
            (s) =>
              s.service === 'fulfillment-worker' &&
              s.kind === SpanKind.CONSUMER &&
              s.attributes['messaging.message.id'] === `poison-${id}`,
          ),
        );
        expect(span.status.code).toBe(StatusCode.ERROR);
        expect(span.events.some((e) => e.name === 'exception')).toBe(true);
      }
    } finally {
      await connection.close();
    }
    expect(stack.worker?.output()).toContain('poison message dead-lettered');
    const order = await placeOrder();
    await waitFor(
      'an order after the poison messages to be fulfilled',
      async () =>
        (await count(`SELECT count(*) AS n FROM fulfillments WHERE order_id = $1`, [order.id])) ===
        1,
    );
  });
});
