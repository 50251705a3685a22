import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  currentUser,
  HttpError,
  type Pool,
  requireAuthentication,
  type TokenVerifier,
} from '@tracing-demo/service-kit';
import { inSpan, tracerFor } from '@tracing-demo/telemetry';
import { checkInventory, shippingCents, subtotalCents } from '../catalog.js';
import { findOrder, listOrders, saveOrder } from '../orders.js';
import { charge } from '../payment-client.js';
import { CreateOrder, Order, OrderList, OrderParams } from '../schemas/order.js';

const tracer = tracerFor('order-service');

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
      const order = await inSpan(
        tracer,
        'processOrder',
        { 'order.id': orderId, 'order.item_count': items.length, 'payment.method': paymentMethod },
        async (span) => {
          // No spans of their own (docs/telemetry.md): pricing against the in-memory catalog and
          // the arithmetic take microseconds, and their errors (an unknown SKU, short stock) fail
          // this span; the charge is timed by its CLIENT span, and a failure fails this span too.
          const priced = checkInventory(items);
          const shipping = shippingCents(priced);
          const subtotal = subtotalCents(priced);
          const total = subtotal + shipping;
          span.setAttributes({ 'order.shipping': shipping / 100, 'order.total': total / 100 });
          const paymentId = await charge(
            paymentServiceUrl,
            { orderId, amountCents: total, currency: 'USD', method: paymentMethod, cardNumber },
            request.id,
          );
          return saveOrder(pool, {
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
        },
      );
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
