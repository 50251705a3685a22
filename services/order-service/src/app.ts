import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  createPool,
  createTokenVerifier,
  databaseReadiness,
  migrate,
  registerHealthRoutes,
} from '@tracing-demo/service-kit';
import type { OrderConfig } from './config.js';
import { SCHEMA } from './orders.js';
import { orderRoutes } from './routes/orders.js';

/** order-service as a plugin: database first, then the authenticated order routes. */
const orderService: FastifyPluginAsyncTypebox<OrderConfig> = async (app, config) => {
  const pool = createPool(config.databaseUrl, 'order-service', app.log);
  app.addHook('onClose', () => pool.end());
  await migrate(pool, 'order-service', SCHEMA);
  const verifier = createTokenVerifier(config);

  registerHealthRoutes(app, { database: databaseReadiness(pool) });
  await app.register(orderRoutes, { pool, verifier, paymentServiceUrl: config.paymentServiceUrl });
};

export default orderService;
