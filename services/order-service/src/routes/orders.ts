import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  currentUser,
  HttpError,
  type Pool,
  requireAuthentication,
  type TokenVerifier,
} from '@tracing-demo/service-kit';
import { annotateServerSpan } from '@tracing-demo/telemetry';
import { checkInventory, shippingCents, subtotalCents } from '../catalog.js';
import { findOrder, listOrders, saveOrder } from '../orders.js';
import { charge } from '../payment-client.js';
import { CreateOrder, Order, OrderList, OrderParams } from '../schemas/order.js';

export const orderRoutes: FastifyPluginAsyncTypebox<{
  pool: Pool;
  verifier: TokenVerifier;
  paymentServiceUrl: string;
  onOrderSaved?: () => void;
}> = async (app, { pool, verifier, paymentServiceUrl, onOrderSaved }) => {
  // No trust by position: order-service checks the token itself even behind the gateway.
  requireAuthentication(app, verifier);

  app.post(
    '/orders',
    { schema: { body: CreateOrder, response: { 201: Order } } },
    async (request, reply) => {
      const { userId } = currentUser(request);
      const { items, paymentMethod, cardNumber } = request.body;
      const orderId = randomUUID();
      // The order is described on the hop's SERVER span, its only span (docs/telemetry.md):
      // pricing takes microseconds and fails as a 4xx, the charge has its CLIENT span, the
      // transaction its statements.
      annotateServerSpan({
        'order.id': orderId,
        'order.item_count': items.length,
        'payment.method': paymentMethod,
      });
      const priced = checkInventory(items);
      const shipping = shippingCents(priced);
      const subtotal = subtotalCents(priced);
      const total = subtotal + shipping;
      annotateServerSpan({ 'order.shipping': shipping / 100, 'order.total': total / 100 });
      const paymentId = await charge(
        paymentServiceUrl,
        { orderId, amountCents: total, currency: 'USD', method: paymentMethod, cardNumber },
        request.id,
      );
      const order = await saveOrder(pool, {
        id: orderId,
        userId,
        items: priced,
        subtotalCents: subtotal,
        shippingCents: shipping,
        totalCents: total,
        currency: 'USD',
        paymentMethod,
        paymentId,
      });
      onOrderSaved?.();
      return reply.code(201).send(order);
    },
  );

  app.get('/orders', { schema: { response: { 200: OrderList } } }, async (request) => ({
    orders: await listOrders(pool, currentUser(request).userId),
  }));

  app.get(
    '/orders/:id',
    { schema: { params: OrderParams, response: { 200: Order } } },
    async (request) => {
      const order = await findOrder(pool, currentUser(request).userId, request.params.id);
      if (!order) throw new HttpError(404, 'order not found');
      return order;
    },
  );
};
