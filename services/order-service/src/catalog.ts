import { HttpError } from '@tracing-demo/service-kit';

export interface Product {
  name: string;
  priceCents: number;
  stock: number;
}

/** A small fixed catalogue: enough for inventory checks and totals to mean something. */
export const CATALOG: Readonly<Record<string, Product>> = {
  'SKU-COFFEE': { name: 'Coffee beans, 1 kg', priceCents: 2_499, stock: 500 },
  'SKU-MUG': { name: 'Enamel mug', priceCents: 1_299, stock: 200 },
  'SKU-GRINDER': { name: 'Hand grinder', priceCents: 8_900, stock: 25 },
  'SKU-FILTER': { name: 'Paper filters x100', priceCents: 499, stock: 1_000 },
};

export interface OrderLine {
  sku: string;
  quantity: number;
}

export interface PricedLine extends OrderLine {
  unitPriceCents: number;
}

/**
 * Every SKU must exist and have the stock for all lines that ask for it: a 400 names the unknown
 * SKU, a 409 the short one.
 */
export function checkInventory(lines: readonly OrderLine[]): PricedLine[] {
  const wanted = new Map<string, number>();
  for (const line of lines) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity);
  for (const [sku, quantity] of wanted) {
    const product = CATALOG[sku];
    if (!product) throw new HttpError(400, `unknown sku '${sku}'`);
    if (quantity > product.stock) {
      throw new HttpError(
        409,
        `only ${product.stock} of '${sku}' in stock (asked for ${quantity})`,
      );
    }
  }
  return lines.map((line) => ({
    ...line,
    unitPriceCents: (CATALOG[line.sku] as Product).priceCents,
  }));
}

const FREE_SHIPPING_FROM_CENTS = 10_000;

/** Flat 4.99 plus 0.50 per item beyond the first; free from 100.00. */
export function shippingCents(lines: readonly PricedLine[]): number {
  const subtotal = subtotalCents(lines);
  if (subtotal >= FREE_SHIPPING_FROM_CENTS) return 0;
  const items = lines.reduce((sum, line) => sum + line.quantity, 0);
  return 499 + 50 * Math.max(0, items - 1);
}

export function subtotalCents(lines: readonly PricedLine[]): number {
  return lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
}
