import { Type } from 'typebox';
import { Compile } from 'typebox/compile';

/**
 * `order.created`, version 1. A consumer must reject versions it does not know rather than
 * guess: an unknown version is a poison message and goes to the dead-letter queue.
 */
export const OrderCreatedV1 = Type.Object({
  version: Type.Literal(1),
  orderId: Type.String({ format: 'uuid' }),
  userId: Type.String({ minLength: 1 }),
  items: Type.Array(
    Type.Object({ sku: Type.String({ minLength: 1 }), quantity: Type.Integer({ minimum: 1 }) }),
    { minItems: 1 },
  ),
  totalCents: Type.Integer({ minimum: 0 }),
  currency: Type.String(),
  createdAt: Type.String(),
});

export type OrderCreated = Type.Static<typeof OrderCreatedV1>;

/** A message that can never be processed, however often it is retried. */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

const validator = Compile(OrderCreatedV1);

export function parseOrderCreated(body: Buffer): OrderCreated {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new PoisonMessageError('message body is not JSON');
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (version !== 1) {
    throw new PoisonMessageError(`unsupported order.created version ${JSON.stringify(version)}`);
  }
  if (!validator.Check(value)) {
    const [first] = validator.Errors(value);
    throw new PoisonMessageError(
      `invalid order.created: ${first ? `${first.instancePath || '/'} ${first.message}` : 'schema mismatch'}`,
    );
  }
  return value;
}
