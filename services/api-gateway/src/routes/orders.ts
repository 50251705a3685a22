import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuthentication, type TokenVerifier } from '@tracing-demo/service-kit';
import { forward } from '../forward.js';
import { CreateOrder, OrderParams } from '../schemas/api.js';

export const orderRoutes: FastifyPluginAsyncTypebox<{
  orderServiceUrl: string;
  verifier: TokenVerifier;
}> = async (app, { orderServiceUrl, verifier }) => {
  requireAuthentication(app, verifier);
  const withToken = (authorization: string | undefined) => ({ authorization });

  app.get('/api/orders', (request, reply) =>
    forward(request, reply, 'order-service', `${orderServiceUrl}/orders`, {
      headers: withToken(request.headers.authorization),
    }),
  );

  app.get('/api/orders/:id', { schema: { params: OrderParams } }, (request, reply) =>
    forward(request, reply, 'order-service', `${orderServiceUrl}/orders/${request.params.id}`, {
      headers: withToken(request.headers.authorization),
    }),
  );

  app.post('/api/orders', { schema: { body: CreateOrder } }, (request, reply) =>
    forward(request, reply, 'order-service', `${orderServiceUrl}/orders`, {
      method: 'POST',
      body: request.body,
      headers: withToken(request.headers.authorization),
      timeoutMs: 15_000,
    }),
  );
};
