import { Type } from 'typebox';

export const OrderLine = Type.Object(
  {
    sku: Type.String({ pattern: '^[A-Z0-9-]{1,32}$' }),
    quantity: Type.Integer({ minimum: 1, maximum: 100 }),
  },
  { additionalProperties: false },
);

export const CreateOrder = Type.Object(
  {
    items: Type.Array(OrderLine, { minItems: 1, maxItems: 20 }),
    paymentMethod: Type.Enum(['card', 'wallet']),
    cardNumber: Type.Optional(Type.String({ pattern: '^[0-9]{12,19}$' })),
  },
  { additionalProperties: false },
);

export const Order = Type.Object({
  id: Type.String(),
  status: Type.String(),
  items: Type.Array(
    Type.Object({ sku: Type.String(), quantity: Type.Integer(), unitPriceCents: Type.Integer() }),
  ),
  subtotalCents: Type.Integer(),
  shippingCents: Type.Integer(),
  totalCents: Type.Integer(),
  currency: Type.String(),
  paymentMethod: Type.String(),
  createdAt: Type.String(),
});

export const OrderList = Type.Object({ orders: Type.Array(Order) });

export const OrderParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
