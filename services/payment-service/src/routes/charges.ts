import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SpanStatusCode } from '@opentelemetry/api';
import { errorBody, HttpError } from '@tracing-demo/service-kit';
import { inSpan, tracerFor } from '@tracing-demo/telemetry';
import type { FaultInjector } from '../faults.js';
import { ChargeRequest, ChargeResponse, DeclineResponse } from '../schemas/payment.js';

const tracer = tracerFor('payment-service');

/** The test card that is always declined, as with real processors' sandboxes. */
export const DECLINED_CARD = '4000000000000002';

export const chargeRoutes: FastifyPluginAsyncTypebox<{ faults: FaultInjector }> = async (
  app,
  { faults },
) => {
  app.post(
    '/charges',
    { schema: { body: ChargeRequest, response: { 201: ChargeResponse, 402: DeclineResponse } } },
    async (request, reply) => {
      const { orderId, amountCents, currency, method, cardNumber } = request.body;
      if (method === 'card' && !cardNumber) {
        throw new HttpError(400, 'invalid request: cardNumber is required when method is "card"');
      }
      const attributes = {
        'order.id': orderId,
        'payment.method': method,
        'payment.amount': amountCents / 100,
        'payment.currency': currency,
      };
      return inSpan(tracer, 'chargePayment', attributes, async (span) => {
        const outcome = faults.roll();
        if (outcome.delayMs > 0) {
          span.setAttribute('payment.slow', true);
          span.addEvent('slow charge injected', { 'payment.delay_ms': outcome.delayMs });
          await sleep(outcome.delayMs);
        }
        if (outcome.fail) {
          span.setAttribute('payment.status', 'failed');
          throw new HttpError(503, 'payment processor unavailable (injected fault)');
        }
        if (method === 'card' && cardNumber === DECLINED_CARD) {
          span.setAttribute('payment.status', 'declined');
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
          return reply
            .code(402)
            .send({ ...errorBody(402, 'card declined by issuer'), reason: 'card_declined' });
        }
        const chargeId = `ch_${randomUUID()}`;
        span.setAttributes({ 'payment.status': 'approved', 'payment.charge_id': chargeId });
        return reply.code(201).send({ chargeId, status: 'approved' as const });
      });
    },
  );
};
