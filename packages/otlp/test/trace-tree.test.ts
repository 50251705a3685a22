import { describe, expect, it } from 'vitest';
import { span } from '../../../test/support/spans.ts';
import { ancestors, buildTraceTree, renderTree, type Span, walkTree } from '../src/index.js';

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

describe('ancestors', () => {
  it('walks up to the root, nearest first, and stops at a missing parent or a cycle', () => {
    const trace = [
      span('root', undefined, 'a', 'root', 0, 50),
      span('mid', 'root', 'b', 'mid', 1, 40),
      span('leaf', 'mid', 'c', 'leaf', 2, 30),
      span('lost', 'gone', 'c', 'lost', 3, 1),
      span('x', 'y', 'a', 'x', 0, 1),
      span('y', 'x', 'a', 'y', 1, 1),
    ];
    const names = (id: string) =>
      ancestors(trace.find((s) => s.spanId === id) as Span, trace).map((s) => s.name);
    expect(names('leaf')).toEqual(['mid', 'root']);
    expect(names('root')).toEqual([]);
    expect(names('lost')).toEqual([]);
    expect(names('x')).toEqual(['y']);
  });
});

describe('renderTree', () => {
  it('indents children under parents and names kind, duration and errors', () => {
    const trace = [
      span('c', 'r', 'payment-service', 'chargePayment', 5, 20.25, {
        status: { code: 'ERROR', message: 'card declined' },
      }),
      span('r', undefined, 'api-gateway', 'POST /api/orders', 0, 50, { kind: 'SERVER' }),
      span('o', 'missing', 'fulfillment-worker', 'fulfillOrder', 60, 5),
    ];
    expect(renderTree(trace)).toBe(
      [
        'api-gateway: POST /api/orders [SERVER] 50.0ms',
        '  payment-service: chargePayment [INTERNAL] 20.3ms ERROR(card declined)',
        'fulfillment-worker: fulfillOrder [INTERNAL] 5.0ms',
      ].join('\n'),
    );
  });
});
