import { setTimeout as sleep } from 'node:timers/promises';
import { trace } from '@opentelemetry/api';
import {
  type AmqpConnection,
  backoffDelay,
  FULFILLMENT_QUEUE,
  PoisonMessageError,
  parseOrderCreated,
} from '@tracing-demo/messaging';
import { isDatabaseUnavailable, type Pool, withMaskedMessage } from '@tracing-demo/service-kit';
import { inProcessSpan, inSpan, recordFailure, tracerFor } from '@tracing-demo/telemetry';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { FastifyBaseLogger } from 'fastify';
import type { WorkerConfig } from './config.js';
import { fulfillOrder } from './fulfillment.js';

const tracer = tracerFor('fulfillment-worker');

/**
 * Consumes order.created, each delivery inside its CONSUMER span (inProcessSpan: a child of the
 * publish span, so the worker's work is part of the order's one trace).
 *
 * Acks only after the work committed. A failure is retried in place up to maxAttempts with
 * backoff; then, or at once for a message that can never succeed (not JSON, unknown version),
 * it is rejected without requeue so RabbitMQ moves it to the dead-letter queue. PostgreSQL
 * being down is no fault of the message: it is retried until the database is back (backoff
 * capped), and a message still waiting when the worker stops goes back to the queue.
 */
export class OrderCreatedConsumer {
  #stopped = false;
  #loop: Promise<void> | undefined;
  #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly pool: Pool,
    private readonly amqp: AmqpConnection,
    private readonly log: FastifyBaseLogger,
    private readonly config: Pick<WorkerConfig, 'prefetch' | 'maxAttempts' | 'retryDelayMs'>,
  ) {}

  start(): void {
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#inFlight);
    await this.amqp.close();
    await this.#loop;
  }

  /** Subscribes, and subscribes again whenever the connection is lost, until stopped. */
  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      try {
        const channel = await this.amqp.channel();
        const closed = this.amqp.closed();
        await channel.prefetch(this.config.prefetch);
        await channel.consume(FULFILLMENT_QUEUE, (message) => {
          if (!message) return;
          const work = this.#handle(channel, message).finally(() => this.#inFlight.delete(work));
          this.#inFlight.add(work);
        });
        failures = 0;
        this.log.info({ queue: FULFILLMENT_QUEUE }, 'consuming');
        await closed;
      } catch {
        failures++;
      }
      if (!this.#stopped) await sleep(backoffDelay(failures));
    }
  }

  #handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const messageId = String(message.properties.messageId ?? '');
    const { exchange, routingKey } = message.fields;
    return inProcessSpan(
      FULFILLMENT_QUEUE,
      { exchange, routingKey, messageId, broker: this.amqp.broker },
      message.properties.headers,
      () => this.#process(channel, message, messageId),
    );
  }

  async #process(channel: ConfirmChannel, message: ConsumeMessage, messageId: string) {
    try {
      const event = parseOrderCreated(message.content);
      const result = await this.#withRetries(messageId, () =>
        inSpan(
          tracer,
          'fulfillOrder',
          {
            'order.id': event.orderId,
            'order.item_count': event.items.length,
            'messaging.message.id': messageId,
          },
          async (span) => {
            const outcome = await fulfillOrder(this.pool, event, messageId);
            span.setAttribute('fulfillment.result', outcome);
            return outcome;
          },
        ),
      );
      channel.ack(message);
      this.log.info({ orderId: event.orderId, result }, 'order.created handled');
    } catch (error) {
      if (this.#stopped && !(error instanceof PoisonMessageError)) {
        this.log.warn({ err: error, messageId }, 'stopping: order.created requeued');
        channel.nack(message, false, true);
        return;
      }
      // A poison message's error can quote its body: the CONSUMER span gets the message masked.
      const span = trace.getActiveSpan();
      if (span) recordFailure(span, withMaskedMessage(error));
      const poison = error instanceof PoisonMessageError;
      this.log.warn(
        { err: error, messageId, deadLettered: true },
        poison ? 'poison message dead-lettered' : 'message failed every attempt; dead-lettered',
      );
      channel.nack(message, false, false);
    }
  }

  async #withRetries<T>(messageId: string, work: () => Promise<T>): Promise<T> {
    let outage = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (this.#stopped) throw error;
        if (isDatabaseUnavailable(error)) {
          // Not an attempt: the message is fine, the database is not.
          attempt -= 1;
          outage += 1;
          if (outage === 1 || outage % 10 === 0)
            this.log.warn({ err: error, messageId, outage }, 'PostgreSQL unavailable; waiting');
          await sleep(Math.min(5_000, this.config.retryDelayMs * 2 ** Math.min(outage, 10)));
          continue;
        }
        if (attempt >= this.config.maxAttempts) throw error;
        this.log.warn({ err: error, messageId, attempt }, 'order.created failed; retrying');
        await sleep(this.config.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}
