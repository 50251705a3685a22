/** Order bodies shaped like what a shop's customers send: a few lines, card or wallet. */

export const SKUS = ['SKU-COFFEE', 'SKU-MUG', 'SKU-GRINDER', 'SKU-FILTER'] as const;
/** A card the simulated processor approves. */
export const APPROVED_CARD = '4242424242424242';
/** The test card payment-service always declines: an expected 402, not a failure. */
export const DECLINED_CARD = '4000000000000002';

export interface OrderBody {
  items: { sku: string; quantity: number }[];
  paymentMethod: 'card' | 'wallet';
  cardNumber?: string;
}

export interface PaymentMix {
  walletFraction: number;
  declineFraction: number;
}

/** 1 to 3 distinct SKUs, 1 to 3 of each; wallet, approved card or declined card by the mix. */
export function randomOrder(mix: PaymentMix, random: () => number = Math.random): OrderBody {
  const pick = (n: number) => Math.floor(random() * n);
  const skus = [...SKUS];
  const lines = 1 + pick(3);
  const items = Array.from({ length: lines }, () => {
    const [sku] = skus.splice(pick(skus.length), 1);
    return { sku: sku as string, quantity: 1 + pick(3) };
  });
  if (random() < mix.walletFraction) return { items, paymentMethod: 'wallet' };
  const cardNumber = random() < mix.declineFraction ? DECLINED_CARD : APPROVED_CARD;
  return { items, paymentMethod: 'card', cardNumber };
}
