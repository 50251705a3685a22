import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FaultInjector } from '../faults.js';
import { FaultChanges, FaultSettings } from '../schemas/payment.js';

/**
 * Run-time fault injection. Internal only: the gateway has no route here and the chart's
 * NetworkPolicy admits only order-service and in-namespace tooling to this service.
 */
export const adminRoutes: FastifyPluginAsyncTypebox<{ faults: FaultInjector }> = async (
  app,
  { faults },
) => {
  app.get(
    '/admin/faults',
    { schema: { response: { 200: FaultSettings } } },
    async () => faults.current,
  );
  app.put(
    '/admin/faults',
    { schema: { body: FaultChanges, response: { 200: FaultSettings } } },
    async (request) => {
      const updated = faults.update(request.body);
      request.log.info({ faults: updated }, 'fault injection changed');
      return updated;
    },
  );
};
