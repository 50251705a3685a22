import { randomUUID } from 'node:crypto';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import {
  type AmqpConnection,
  backoffDelay,
  ORDER_CREATED,
  ORDERS_EXCHANGE,
  type OrderCreated,
} from '@tracing-demo/messaging';
import { inTransaction, type Pool, type PoolClient } from '@tracing-demo/service-kit';
import { startPublishSpan } from '@tracing-demo/telemetry';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Writes the event inside the caller's transaction, with the current trace context: the relay
 * publishes later, outside any request, and restores this context so the publish and the
 * worker's spans join the trace of the request that created the order.
 */
export async function writeOrderCreated(client: PoolClient, event: OrderCreated): Promise<void> {
  const traceContext: Record<string, string> = {};
  propagation.inject(context.active(), traceContext);
  await client.query(
    'INSERT INTO outbox (id, event_type, payload, trace_context) VALUES ($1, $2, $3, $4)',
    [randomUUID(), ORDER_CREATED, JSON.stringify(event), JSON.stringify(traceContext)],
  );
}

interface OutboxRow {
  id: string;
  event_type: string;
  payload: OrderCreated;
  trace_context: Record<string, string>;
}

/**
 * Moves outbox rows to RabbitMQ: claims a batch (FOR UPDATE SKIP LOCKED, so replicas share the
 * work without double-sending), publishes each as a persistent message whose messageId is the
 * outbox id, waits for the broker's confirms, and only then marks the rows published, in the
 * same transaction. A crash between confirm and commit republishes: delivery is at-least-once,
 * and the worker makes it exactly-once in effect by the message id.
 */
export class OutboxRelay {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  #stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly amqp: AmqpConnection,
    private readonly log: FastifyBaseLogger,
    private readonly pollMs: number,
    private readonly batchSize = 100,
  ) {}

  start(): void {
    this.#schedule(0);
  }

  /** Publish soon: called right after an order commits. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) this.#again = true;
    else this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs: number) {
    clearTimeout(this.#timer);
    // Detached from whatever request woke the relay: a batch serves many orders, so its own
    // queries belong to no request's trace. Each publish gets its order's context back below.
    this.#timer = context.with(ROOT_CONTEXT, () =>
      setTimeout(() => {
        this.#running = this.#drain().finally(() => {
          this.#running = undefined;
        });
      }, delayMs),
    );
  }

  async #drain(): Promise<void> {
    try {
      let published: number;
      do {
        this.#again = false;
        published = await this.#publishBatch();
      } while (!this.#stopped && (published === this.batchSize || this.#again));
      this.#failures = 0;
      if (!this.#stopped) this.#schedule(this.pollMs);
    } catch (error) {
      this.#failures++;
      if (this.#failures === 1)
        this.log.warn({ err: error }, 'outbox relay cannot publish; will retry');
      if (!this.#stopped) this.#schedule(backoffDelay(this.#failures));
    }
  }

  async #publishBatch(): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, event_type, payload, trace_context FROM outbox
         WHERE published_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      const channel = await this.amqp.channel();
      for (const row of rows) {
        // The PRODUCER span joins the request that wrote the row; the consumer's joins it.
        const headers: Record<string, string> = {};
        const confirmed = startPublishSpan(
          propagation.extract(ROOT_CONTEXT, row.trace_context),
          {
            exchange: ORDERS_EXCHANGE,
            routingKey: row.event_type,
            messageId: row.id,
            broker: this.amqp.broker,
          },
          headers,
        );
        channel.publish(
          ORDERS_EXCHANGE,
          row.event_type,
          Buffer.from(JSON.stringify(row.payload)),
          {
            persistent: true,
            messageId: row.id,
            type: row.event_type,
            contentType: 'application/json',
            timestamp: Math.floor(Date.now() / 1000),
            headers,
          },
          confirmed,
        );
      }
      await channel.waitForConfirms();
      await client.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [
        rows.map((row) => row.id),
      ]);
      if (this.#failures > 0)
        this.log.info({ published: rows.length }, 'outbox relay publishing again');
      return rows.length;
    });
  }
}
