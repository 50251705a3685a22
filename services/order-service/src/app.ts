import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AmqpConnection } from '@tracing-demo/messaging';
import {
  createTokenVerifier,
  databaseReadiness,
  openDatabase,
  registerHealthRoutes,
} from '@tracing-demo/service-kit';
import type { OrderConfig } from './config.js';
import { SCHEMA } from './orders.js';
import { OutboxRelay } from './outbox.js';
import { orderRoutes } from './routes/orders.js';

/**
 * order-service as a plugin: database first, then the outbox relay, then the authenticated
 * order routes. Readiness is the database only: RabbitMQ being down must not stop orders.
 */
const orderService: FastifyPluginAsyncTypebox<OrderConfig> = async (app, config) => {
  const pool = await openDatabase(app, {
    url: config.databaseUrl,
    service: 'order-service',
    schema: SCHEMA,
  });
  const verifier = createTokenVerifier(config);
  const amqp = new AmqpConnection(config.amqpUrl, app.log);
  const relay = new OutboxRelay(pool, amqp, app.log, config.outboxPollMs);
  app.addHook('onReady', async () => relay.start());
  // Hooks run in reverse: the relay stops (finishing its batch) before the pool ends.
  app.addHook('onClose', async () => {
    await relay.stop();
    await amqp.close();
  });

  registerHealthRoutes(app, { database: databaseReadiness(pool) });
  await app.register(orderRoutes, {
    pool,
    verifier,
    paymentServiceUrl: config.paymentServiceUrl,
    onOrderSaved: () => relay.wake(),
  });
};

export default orderService;
