import { describe, expect, it } from 'vitest';
import { APPROVED_CARD, DECLINED_CARD, randomOrder, SKUS } from '../src/orders.js';

/** Rolls taken in turn from a list, for orders whose every choice the test decides. */
const rolls = (...values: number[]) => {
  let next = 0;
  return () => values[next++ % values.length] as number;
};

describe('generated orders', () => {
  it('has 1 to 3 distinct known SKUs, 1 to 3 of each', () => {
    for (let i = 0; i < 200; i++) {
      const order = randomOrder({ walletFraction: 0.3, declineFraction: 0.1 });
      const skus = order.items.map((item) => item.sku);
      expect(new Set(skus).size).toBe(skus.length);
      expect(skus.length).toBeGreaterThanOrEqual(1);
      expect(skus.length).toBeLessThanOrEqual(3);
      for (const { sku, quantity } of order.items) {
        expect(SKUS).toContain(sku);
        expect([1, 2, 3]).toContain(quantity);
      }
    }
  });

  it('pays by wallet, approved card or declined card as the mix says', () => {
    const mix = { walletFraction: 0.3, declineFraction: 0.5 };
    // line count, sku, quantity, then the payment rolls
    expect(randomOrder(mix, rolls(0, 0, 0, 0.29))).toEqual({
      items: [{ sku: 'SKU-COFFEE', quantity: 1 }],
      paymentMethod: 'wallet',
    });
    expect(randomOrder(mix, rolls(0, 0, 0, 0.3, 0.49))).toMatchObject({
      paymentMethod: 'card',
      cardNumber: DECLINED_CARD,
    });
    expect(randomOrder(mix, rolls(0, 0, 0, 0.3, 0.5))).toMatchObject({
      paymentMethod: 'card',
      cardNumber: APPROVED_CARD,
    });
  });

  it('never declines with a decline fraction of 0', () => {
    for (let i = 0; i < 100; i++) {
      const order = randomOrder({ walletFraction: 0, declineFraction: 0 });
      expect(order.cardNumber).toBe(APPROVED_CARD);
    }
  });
});
