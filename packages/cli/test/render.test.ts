import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { span } from '../../../test/support/spans.ts';
import { durationBar, renderTrace } from '../src/render.js';

describe('durationBar', () => {
  it('places a span by its offset and scales its width to the trace', () => {
    expect(durationBar(0, 100, 100, 10)).toBe('██████████');
    expect(durationBar(50, 50, 100, 10)).toBe('     █████');
    expect(durationBar(0, 25, 100, 10)).toBe('██▌       ');
  });

  it('gives a span too short to see a sliver, and never overflows', () => {
    expect(durationBar(0, 0.001, 100, 10)).toBe('▏         ');
    expect(durationBar(100, 0, 100, 10)).toBe('         ▏');
    expect(durationBar(0, 1, 0, 10)).toHaveLength(10);
  });
});

describe('renderTrace', () => {
  const trace = [
    span('a', undefined, 'api-gateway', 'POST /api/orders', 0, 100, { kind: 'SERVER' }),
    span('b', 'a', 'order-service', 'processOrder', 10, 80),
    span('c', 'b', 'payment-service', 'chargePayment', 20, 60, {
      status: { code: 'ERROR', message: 'card declined' },
    }),
    span('d', 'b', 'order-service', 'calculateShipping', 12, 2),
    span('e', 'missing', 'fulfillment-worker', 'fulfillOrder', 95, 5),
  ];

  it('draws the tree: indentation by parent, service, name, kind, bar, duration, error, orphan', () => {
    const lines = renderTrace(trace, { width: 100 }).split('\n');
    expect(lines[0]).toBe(
      'trace 4bf92f3577b34da6a3ce929d0e0e4736 · 5 spans · 4 services · 100.0 ms · 1 error · 1 orphan',
    );
    const row = (name: string) => lines.find((l) => l.includes(name)) as string;
    expect(row('POST /api/orders')).toMatch(
      /^api-gateway: POST \/api\/orders \[SERVER\] +│█{10,}│ +100\.0 ms$/,
    );
    expect(row('processOrder')).toMatch(/^└─ order-service: processOrder \[INTERNAL\] /);
    expect(row('calculateShipping')).toMatch(/^ {3}├─ order-service: calculateShipping/);
    expect(row('chargePayment')).toMatch(
      /^ {3}└─ payment-service: chargePayment .*60\.0 ms ✗ ERROR$/,
    );
    expect(lines[lines.indexOf(row('chargePayment')) + 1]).toMatch(/^ +↳ card declined$/);
    expect(row('fulfillOrder')).toMatch(/^⚠ fulfillment-worker: fulfillOrder/);
    expect(lines.at(-1)).toMatch(/↳ orphan: parent span missing is not in this trace$/);
    // The payment bar starts a fifth of the way in and covers 60% of the bar.
    const bar = row('chargePayment').split('│')[1] as string;
    expect(bar.indexOf('█') / bar.length).toBeCloseTo(0.2, 1);
    expect((bar.match(/█/g) ?? []).length / bar.length).toBeCloseTo(0.6, 1);
  });

  it('fits the width it is given, truncating labels rather than wrapping', () => {
    const deep = Array.from({ length: 15 }, (_, i) =>
      span(
        `s${i}`,
        i === 0 ? undefined : `s${i - 1}`,
        'order-service',
        `a rather long span name ${i}`,
        i,
        100 - i,
      ),
    );
    for (const width of [60, 80, 100, 160]) {
      for (const line of renderTrace([...trace, ...deep], { width })
        .split('\n')
        .slice(1))
        expect([...line].length, line).toBeLessThanOrEqual(width);
    }
  });

  it('colors only when asked', () => {
    expect(renderTrace(trace, { color: false })).not.toContain('\u001b[');
    const colored = renderTrace(trace, { color: true });
    expect(colored).toContain('\u001b[31m');
    // Same text once the escapes are gone.
    expect(stripVTControlCharacters(colored)).toBe(renderTrace(trace, { color: false }));
  });
});
