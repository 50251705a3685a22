/**
 * Normal traffic through the whole pipeline: each login + order is one complete trace in the
 * trace store (client → gateway → auth / order → payment, PostgreSQL, RabbitMQ → worker), and
 * the tail sampler keeps the configured share of such traces, no more and no less.
 */
import { waitFor } from '@tracing-demo/platform';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CLIENT_SERVICE, type Flow, gatewayClient, inParallel } from './support/client.ts';
import { decisions } from './support/collector.ts';
import {
  findTrace,
  jaegerStore,
  missingEdge,
  type Span,
  type SpanMatch,
  show,
  waitForTrace,
} from './support/jaeger.ts';
import { BASELINE_RATIO } from './support/parameters.ts';
import { pipelineIdle } from './support/pipeline.ts';

const stack = inject('stack');
const store = jaegerStore(stack.jaeger);
const client = gatewayClient(stack.gateway, stack.collectorOtlpHttp);
const FLOWS = 150;

const gatewayLogin: SpanMatch = {
  service: 'api-gateway',
  kind: 'SERVER',
  name: 'POST /api/auth/login',
};
const gatewayOrder: SpanMatch = {
  service: 'api-gateway',
  kind: 'SERVER',
  name: 'POST /api/orders',
};
const orderServer: SpanMatch = { service: 'order-service', kind: 'SERVER', name: 'POST /orders' };
const chargeCall: SpanMatch = { service: 'order-service', kind: 'CLIENT', name: 'POST' };
const publish: SpanMatch = { service: 'order-service', kind: 'PRODUCER' };
const consume: SpanMatch = { service: 'fulfillment-worker', kind: 'CONSUMER' };

/** [span, the span it must be below] for a healthy login + order. */
const EXPECTED_EDGES: [SpanMatch, SpanMatch | undefined][] = [
  [{ service: CLIENT_SERVICE, name: 'login and order' }, undefined],
  [gatewayLogin, { service: CLIENT_SERVICE }],
  [{ service: 'auth-service', kind: 'SERVER', name: 'POST /login' }, gatewayLogin],
  [{ service: 'auth-service', name: 'verifyPassword' }, gatewayLogin],
  [{ service: 'auth-service', kind: 'CLIENT', name: /^pg\.query/ }, gatewayLogin],
  [gatewayOrder, { service: CLIENT_SERVICE }],
  [orderServer, gatewayOrder],
  [chargeCall, orderServer],
  [{ service: 'payment-service', kind: 'SERVER', name: 'POST /charges' }, chargeCall],
  [{ service: 'payment-service', name: 'chargePayment' }, chargeCall],
  [{ service: 'order-service', kind: 'CLIENT', name: /^pg\.query:INSERT/ }, orderServer],
  [publish, orderServer],
  [consume, publish],
  [{ service: 'fulfillment-worker', name: 'fulfillOrder' }, consume],
  [{ service: 'fulfillment-worker', kind: 'CLIENT', name: /^pg\.query/ }, consume],
];

/** Every expected span is there, below the span it belongs under. */
const problems = (spans: Span[]) =>
  EXPECTED_EDGES.map(([what, under]) => missingEdge(spans, what, under)).filter(Boolean);

/**
 * Spans packages/telemetry does not make: fastify's `request` below the SERVER span (the SERVER
 * span is fastify's), one per fastify handler, one per pg connection.
 */
const NOT_MADE = /^request$|^handler - |^pg(-pool)?\.connect$/;

describe('a login and an order through the whole pipeline', () => {
  let flows: Flow[];
  let kept: number;
  let baselineKept: number;
  const inStore = new Map<string, Span[]>();

  beforeAll(async () => {
    await pipelineIdle(stack);
    const before = await decisions(stack.collectorTelemetry);
    flows = await inParallel(Array.from({ length: FLOWS }), 3, () => client.loginAndOrder());
    const failed = flows.filter((f) => f.login.status !== 200 || f.order.status !== 201);
    expect(failed.map((f) => [f.login.status, f.order.status])).toEqual([]);

    // The sampler decides on each trace once its root has arrived; then the kept ones are
    // exported. Its own counters say how many it kept, so the wait below has an exact target.
    const after = await waitFor(
      'the tail sampler to decide on every trace sent',
      async () => {
        const now = await decisions(stack.collectorTelemetry);
        const decided = now.sampled + now.notSampled - before.sampled - before.notSampled;
        return decided >= FLOWS && now;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    kept = after.sampled - before.sampled;
    baselineKept = after.baselineSampled - before.baselineSampled;
    expect(
      after.baselineSampled +
        after.baselineNotSampled -
        before.baselineSampled -
        before.baselineNotSampled,
    ).toBe(FLOWS);
    await waitFor(
      `the trace store to hold the ${kept} kept traces`,
      async () => {
        await inParallel(
          flows.filter((f) => !inStore.has(f.traceId)),
          8,
          async (f) => {
            const spans = await findTrace(store, f.traceId);
            if (spans) inStore.set(f.traceId, spans);
          },
        );
        return inStore.size >= kept;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
  });

  it(`keeps the baseline share (${BASELINE_RATIO * 100} %) of normal traces, and the store holds exactly the kept ones`, () => {
    // Binomial: a baseline vote further than 4.5 standard deviations from the configured share
    // is a broken sampler, not bad luck (p < 1e-5). On a busy machine some flows take longer
    // than the slow threshold and are kept by that policy as well: the store holds the union.
    const mean = FLOWS * BASELINE_RATIO;
    const sd = Math.sqrt(FLOWS * BASELINE_RATIO * (1 - BASELINE_RATIO));
    console.log(
      `baseline policy kept ${baselineKept} of ${FLOWS} normal traces (expected ${mean} ± ${sd.toFixed(1)}); all policies: ${kept}; in the trace store: ${inStore.size}`,
    );
    expect(baselineKept).toBeGreaterThanOrEqual(Math.floor(mean - 4.5 * sd));
    expect(baselineKept).toBeLessThanOrEqual(Math.ceil(mean + 4.5 * sd));
    expect(kept).toBeGreaterThanOrEqual(baselineKept);
    expect(inStore.size).toBe(kept);
  });

  it('stores each kept login + order as one complete trace with the expected tree', async () => {
    expect(inStore.size).toBeGreaterThan(0);
    for (const traceId of inStore.keys()) {
      // The worker's spans come after the order's response: wait for them too.
      const spans = await waitForTrace(store, traceId, (s) => problems(s).length === 0);
      const roots = spans.filter((s) => !s.parentSpanId);
      const ids = new Set(spans.map((s) => s.spanId));
      const orphans = spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId));
      expect(
        roots.map((s) => s.service),
        show(spans),
      ).toEqual([CLIENT_SERVICE]);
      expect(orphans, show(spans)).toEqual([]);
      expect(
        spans.filter((s) => s.status.code === 'ERROR'),
        show(spans),
      ).toEqual([]);
      expect(
        spans.filter((s) => NOT_MADE.test(s.name)),
        show(spans),
      ).toEqual([]);
    }
    const [first] = inStore.keys();
    console.log(`one of them:\n${show(await waitForTrace(store, first as string, () => true))}`);
  });

  it('puts the whole order, worker included, in that one trace and no other', async () => {
    const sample = flows.filter((f) => inStore.has(f.traceId)).slice(0, 5);
    for (const flow of sample) {
      const found = await waitFor(
        `a search by attribute for order ${flow.orderId}`,
        async () => {
          const traces = await store.search({
            attributes: { 'order.id': flow.orderId as string },
            limit: 10,
            start: new Date(Date.now() - 3_600_000),
          });
          return traces.length > 0 && traces;
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      );
      expect(found.map((t) => t.traceId)).toEqual([flow.traceId]);
    }
  });
});
