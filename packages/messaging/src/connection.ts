import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { declareTopology } from './topology.js';

export interface Logger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/**
 * One AMQP connection with one confirm channel, opened on first use and again after the broker
 * went away. Callers never hold a dead channel: `channel()` gives the live one or throws, and
 * `closed` resolves when the current one is lost so a consumer knows to resubscribe.
 */
export class AmqpConnection {
  #model: ChannelModel | undefined;
  #channel: Promise<ConfirmChannel> | undefined;
  #lost: (() => void) | undefined;
  #down = false;

  /** The broker's host and port, for spans (never the URL: it holds the password). */
  readonly broker: { address: string; port: number };

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {
    const { hostname, port } = new URL(url);
    this.broker = { address: hostname, port: Number(port) || 5672 };
  }

  get connected(): boolean {
    return this.#model !== undefined;
  }

  channel(): Promise<ConfirmChannel> {
    this.#channel ??= this.#open().catch((error) => {
      this.#channel = undefined;
      if (!this.#down) this.log.warn({ err: error }, 'RabbitMQ is unreachable');
      this.#down = true;
      throw error;
    });
    return this.#channel;
  }

  /** Resolves when the current channel or connection closes. */
  closed(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.#lost;
      this.#lost = () => {
        previous?.();
        resolve();
      };
    });
  }

  async close(): Promise<void> {
    const model = this.#model;
    this.#reset();
    await model?.close().catch(() => undefined);
  }

  async #open(): Promise<ConfirmChannel> {
    const model = await amqp.connect(this.url, { timeout: 3_000 });
    const channel = await model.createConfirmChannel();
    await declareTopology(channel);
    const lost = (error?: Error) => {
      if (this.#model !== model) return;
      this.log.warn({ err: error }, 'RabbitMQ connection lost');
      this.#down = true;
      this.#reset();
    };
    model.on('error', lost);
    model.on('close', lost);
    channel.on('error', lost);
    channel.on('close', () => lost());
    this.#model = model;
    if (this.#down) this.log.info({}, 'RabbitMQ connection restored');
    this.#down = false;
    return channel;
  }

  #reset() {
    this.#model = undefined;
    this.#channel = undefined;
    const lost = this.#lost;
    this.#lost = undefined;
    lost?.();
  }
}

/** Exponential backoff with a cap, for reconnect loops: 200 ms, 400 ms, … up to `capMs`. */
export function backoffDelay(attempt: number, capMs = 5_000): number {
  return Math.min(capMs, 100 * 2 ** attempt);
}
