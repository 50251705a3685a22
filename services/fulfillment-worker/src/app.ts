import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AmqpConnection } from '@tracing-demo/messaging';
import { databaseReadiness, openDatabase, registerHealthRoutes } from '@tracing-demo/service-kit';
import type { WorkerConfig } from './config.js';
import { OrderCreatedConsumer } from './consumer.js';
import { SCHEMA } from './fulfillment.js';

/**
 * fulfillment-worker as a plugin: database, then the consumer. The HTTP side only serves health:
 * ready means the database answers and the worker is subscribed to RabbitMQ.
 */
const fulfillmentWorker: FastifyPluginAsyncTypebox<WorkerConfig> = async (app, config) => {
  const pool = await openDatabase(app, {
    url: config.databaseUrl,
    service: 'fulfillment-worker',
    schema: SCHEMA,
  });

  const amqp = new AmqpConnection(config.amqpUrl, app.log);
  const consumer = new OrderCreatedConsumer(pool, amqp, app.log, config);
  app.addHook('onReady', async () => consumer.start());
  app.addHook('onClose', () => consumer.stop());

  registerHealthRoutes(app, {
    database: databaseReadiness(pool),
    rabbitmq: async () => {
      if (!amqp.connected) throw new Error('not connected to RabbitMQ');
    },
  });
};

export default fulfillmentWorker;
