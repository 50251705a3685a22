/**
 * Tail sampling keeps what matters: every trace with a failed charge and every slow one is in
 * the trace store, whole. Also measures how long after a response its trace can be read there.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  CLIENT_SERVICE,
  type Flow,
  gatewayClient,
  inParallel,
  setFaults,
} from './support/client.ts';
import {
  findTrace,
  jaegerStore,
  missingEdge,
  type SpanMatch,
  show,
  treeProblems,
  waitForTrace,
} from './support/jaeger.ts';
import { SLOW_THRESHOLD_MS } from './support/parameters.ts';

const stack = inject('stack');
const store = jaegerStore(stack.jaeger);
const client = gatewayClient(stack.gateway, stack.collectorOtlpHttp);

const gatewayOrder: SpanMatch = {
  service: 'api-gateway',
  kind: 'SERVER',
  name: 'POST /api/orders',
};
const charge: SpanMatch = { service: 'payment-service', kind: 'SERVER', name: 'POST /charges' };

/** Places orders with the given faults on, then turns them off again. */
async function ordersWithFaults(count: number, faults: Parameters<typeof setFaults>[1]) {
  await setFaults(stack.payment, faults);
  try {
    return await inParallel(Array.from({ length: count }), 2, () => client.loginAndOrder());
  } finally {
    await setFaults(stack.payment, { failureRate: 0, slowRate: 0 });
  }
}

/** Milliseconds from each flow's response until its trace is readable by id in the store. */
async function timeToVisibility(flows: Flow[]): Promise<number[]> {
  return inParallel(flows, flows.length, async (flow) => {
    for (;;) {
      if (await findTrace(store, flow.traceId)) return Date.now() - flow.endedAt;
      if (Date.now() - flow.endedAt > 60_000) throw new Error(`trace ${flow.traceId} never came`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;

describe('tail sampling under injected faults', () => {
  afterAll(() => setFaults(stack.payment, { failureRate: 0, slowRate: 0 }));

  it('keeps every trace whose charge failed, complete, and shows it within seconds', async () => {
    const flows = await ordersWithFaults(20, { failureRate: 1 });
    expect(flows.map((f) => f.order.status)).toEqual(flows.map(() => 502));
    const delays = (await timeToVisibility(flows)).sort((a, b) => a - b);
    console.log(
      `time to visibility (response → trace readable by id): p50 ${percentile(delays, 0.5)} ms, p95 ${percentile(delays, 0.95)} ms, max ${percentile(delays, 1)} ms over ${delays.length} traces`,
    );
    for (const flow of flows) {
      const spans = await waitForTrace(
        store,
        flow.traceId,
        (s) =>
          !missingEdge(s, charge, gatewayOrder) && treeProblems(s, CLIENT_SERVICE).length === 0,
      );
      const failedCharge = spans.find(
        (s) => s.service === 'payment-service' && s.kind === 'SERVER',
      );
      expect(failedCharge?.status.code, show(spans)).toBe('ERROR');
      // A failed order is never published: no worker spans.
      expect(
        spans.filter((s) => s.kind === 'PRODUCER' || s.kind === 'CONSUMER'),
        show(spans),
      ).toEqual([]);
    }
  });

  it('keeps every slow trace, complete', async () => {
    const flows = await ordersWithFaults(8, { slowRate: 1, slowDelayMs: SLOW_THRESHOLD_MS + 300 });
    expect(flows.map((f) => f.order.status)).toEqual(flows.map(() => 201));
    for (const flow of flows) {
      const spans = await waitForTrace(
        store,
        flow.traceId,
        (s) =>
          !missingEdge(s, { service: 'fulfillment-worker', kind: 'CONSUMER' }, gatewayOrder) &&
          treeProblems(s, CLIENT_SERVICE).length === 0,
      );
      const order = spans.find((s) => s.service === 'api-gateway' && s.name === 'POST /api/orders');
      expect(order?.durationMs, show(spans)).toBeGreaterThan(SLOW_THRESHOLD_MS);
      expect(
        spans.filter((s) => s.status.code === 'ERROR'),
        show(spans),
      ).toEqual([]);
    }
  });
});
