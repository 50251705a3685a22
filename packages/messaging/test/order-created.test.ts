import { describe, expect, it } from 'vitest';
import { PoisonMessageError, parseOrderCreated } from '../src/order-created.js';

const valid = {
  version: 1,
  orderId: '9b2f6c1e-4d7a-4c39-9a53-2f1e0c7d8b10',
  userId: 'user-1',
  items: [{ sku: 'SKU-MUG', quantity: 2 }],
  totalCents: 3097,
  currency: 'USD',
  createdAt: '2026-11-21T10:00:00.000Z',
};
const body = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseOrderCreated', () => {
  it('accepts a version 1 event', () => {
    expect(parseOrderCreated(body(valid))).toEqual(valid);
  });

  it.each([
    ['a body that is not JSON', '{"version": 1,', /not JSON/],
    ['JSON null', 'null', /unsupported order.created version undefined/],
    ['an unknown version', { ...valid, version: 2 }, /unsupported order.created version 2/],
    [
      'a missing version',
      { ...valid, version: undefined },
      /unsupported order.created version undefined/,
    ],
    ['a bad order id', { ...valid, orderId: 'nope' }, /invalid order.created: \/orderId/],
    ['no items', { ...valid, items: [] }, /invalid order.created: \/items/],
    [
      'a zero quantity',
      { ...valid, items: [{ sku: 'SKU-MUG', quantity: 0 }] },
      /\/items\/0\/quantity/,
    ],
  ])('rejects %s as poison, saying why', (_case, value, message) => {
    expect(() => parseOrderCreated(body(value))).toThrow(PoisonMessageError);
    expect(() => parseOrderCreated(body(value))).toThrow(message);
  });
});
