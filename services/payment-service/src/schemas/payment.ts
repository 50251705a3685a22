import { Type } from 'typebox';

export const ChargeRequest = Type.Object(
  {
    orderId: Type.String({ format: 'uuid' }),
    amountCents: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    currency: Type.Enum(['USD', 'EUR']),
    method: Type.Enum(['card', 'wallet']),
    cardNumber: Type.Optional(Type.String({ pattern: '^[0-9]{12,19}$' })),
  },
  { additionalProperties: false },
);

export const ChargeResponse = Type.Object({
  chargeId: Type.String(),
  status: Type.Literal('approved'),
});

export const DeclineResponse = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  reason: Type.String(),
});

export const FaultSettings = Type.Object({
  failureRate: Type.Number({ minimum: 0, maximum: 1 }),
  slowRate: Type.Number({ minimum: 0, maximum: 1 }),
  slowDelayMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
});

export const FaultChanges = Type.Partial(FaultSettings, {
  additionalProperties: false,
  minProperties: 1,
});
