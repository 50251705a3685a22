import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerHealthRoutes } from '@tracing-demo/service-kit';
import type { PaymentConfig } from './config.js';
import { FaultInjector } from './faults.js';
import { adminRoutes } from './routes/admin.js';
import { chargeRoutes } from './routes/charges.js';

/** payment-service as a plugin. `random` lets tests decide the dice. */
const paymentService: FastifyPluginAsyncTypebox<PaymentConfig & { random?: () => number }> = async (
  app,
  config,
) => {
  const faults = new FaultInjector(config.faults, config.random);
  registerHealthRoutes(app, {});
  await app.register(chargeRoutes, { faults });
  await app.register(adminRoutes, { faults });
};

export default paymentService;
