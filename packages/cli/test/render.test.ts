import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { durationBar, renderTrace } from '../src/render.js';
import { idToHex, spansFromOtlp } from '../src/span.js';
import { buildTraceTree, walkTree } from '../src/trace-tree.js';
import { span } from './support/spans.js';

describe('spansFromOtlp', () => {
  const hexTrace = '8d5049e16884b47680b66f14716c2864';
  const hexSpan = '0f25c3e154157db3';
  const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

  it("reads Tempo's /api/traces answer: batches, base64 ids, enum names", () => {
    const [only] = spansFromOtlp({
      batches: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: 'api-gateway' } }],
          },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: b64(hexTrace),
                  spanId: b64(hexSpan),
                  parentSpanId: b64('5178f59c9c59fd28'),
                  name: 'POST /api/orders',
                  kind: 'SPAN_KIND_SERVER',
                  startTimeUnixNano: '1795298172845000000',
                  endTimeUnixNano: '1795298172895123456',
                  attributes: [
                    { key: 'http.response.status_code', value: { intValue: '500' } },
                    { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }] } } },
                  ],
                  status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(only).toEqual({
      traceId: hexTrace,
      spanId: hexSpan,
      parentSpanId: '5178f59c9c59fd28',
      service: 'api-gateway',
      name: 'POST /api/orders',
      kind: 'SERVER',
      startMs: 1795298172845,
      endMs: 1795298172895.123,
      durationMs: 50.123456,
      status: { code: 'ERROR', message: 'boom' },
      attributes: { 'http.response.status_code': 500, tags: ['a'] },
      resource: { 'service.name': 'api-gateway' },
    });
  });

  it('reads /api/v2/traces (trace.resourceSpans) and OTLP/JSON (hex ids, numeric enums)', () => {
    const otlpSpan = {
      traceId: hexTrace,
      spanId: hexSpan,
      name: 'chargePayment',
      kind: 1,
      startTimeUnixNano: '1000000',
      endTimeUnixNano: '3000000',
      status: { code: 2 },
    };
    const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'payment' } }] };
    const v2 = spansFromOtlp({
      trace: { resourceSpans: [{ resource, scopeSpans: [{ spans: [otlpSpan] }] }] },
    });
    const otlp = spansFromOtlp({
      resourceSpans: [{ resource, scopeSpans: [{ spans: [otlpSpan] }] }],
    });
    for (const [parsed] of [v2, otlp]) {
      expect(parsed).toMatchObject({
        traceId: hexTrace,
        spanId: hexSpan,
        kind: 'INTERNAL',
        durationMs: 2,
        status: { code: 'ERROR' },
      });
      expect(parsed?.parentSpanId).toBeUndefined();
    }
  });

  it('treats empty and all-zero parent ids as no parent', () => {
    expect(idToHex('', 8)).toBeUndefined();
    expect(idToHex('0000000000000000', 8)).toBeUndefined();
    expect(idToHex('AAAAAAAAAAA=', 8)).toBeUndefined();
  });
});

describe('buildTraceTree', () => {
  it('puts children under parents, siblings by start time, missing parents as orphan roots', () => {
    const spans = [
      span('c2', 'root', 'b', 'second', 20, 5),
      span('c1', 'root', 'b', 'first', 10, 5),
      span('root', undefined, 'a', 'root', 0, 50),
      span('lost', 'gone', 'c', 'orphan', 5, 5),
      span('g1', 'c1', 'b', 'grandchild', 11, 1),
    ];
    const rows = walkTree(buildTraceTree(spans)).map(
      ({ node, depth }) => `${depth}:${node.span.name}${node.orphan ? '!' : ''}`,
    );
    expect(rows).toEqual(['0:root', '1:first', '2:grandchild', '1:second', '0:orphan!']);
  });

  it('keeps the order spans came in when siblings start in the same millisecond', () => {
    const spans = [
      span('root', undefined, 'order-service', 'processOrder', 0, 20),
      span('v', 'root', 'order-service', 'validateInventory', 1, 0.07),
      span('c', 'root', 'order-service', 'calculateShipping', 1, 0.02),
      span('p', 'root', 'order-service', 'processPayment', 1, 15),
    ];
    const names = walkTree(buildTraceTree(spans)).map(({ node }) => node.span.name);
    expect(names).toEqual([
      'processOrder',
      'validateInventory',
      'calculateShipping',
      'processPayment',
    ]);
  });

  it('shows spans caught in a parent cycle instead of losing them', () => {
    const spans = [span('x', 'y', 'a', 'x', 0, 1), span('y', 'x', 'a', 'y', 1, 1)];
    const rows = walkTree(buildTraceTree(spans)).map(({ node }) => node.span.name);
    expect(rows.sort()).toEqual(['x', 'y']);
  });
});

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
