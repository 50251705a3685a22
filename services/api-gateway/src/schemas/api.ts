import { Type } from 'typebox';

/** The gateway validates what it forwards, so malformed input stops at the edge with a 400. */
export const Credentials = Type.Object(
  {
    email: Type.String({ format: 'email', minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const CreateOrder = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          sku: Type.String({ pattern: '^[A-Z0-9-]{1,32}$' }),
          quantity: Type.Integer({ minimum: 1, maximum: 100 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
    paymentMethod: Type.Enum(['card', 'wallet']),
    cardNumber: Type.Optional(Type.String({ pattern: '^[0-9]{12,19}$' })),
  },
  { additionalProperties: false },
);

// ajv's uuid format also takes `urn:uuid:<uuid>`, which PostgreSQL refuses (a 500 upstream):
// 36 characters is the plain form only.
export const OrderParams = Type.Object({
  id: Type.String({ format: 'uuid', maxLength: 36 }),
});
