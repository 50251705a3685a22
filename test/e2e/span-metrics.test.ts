/**
 * RED metrics come from every span, before tail sampling: the request counts Prometheus holds
 * equal the requests this test sent, exactly, although the trace store keeps only some of the traces.
 */
import { waitFor } from '@tracing-demo/platform';
import { newTraceId } from '@tracing-demo/testkit';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayClient, inParallel } from './support/client.ts';
import { pipelineIdle } from './support/pipeline.ts';
import { scalarOf } from './support/prometheus.ts';

const stack = inject('stack');
const client = gatewayClient(stack.gateway, stack.collectorOtlpHttp);
const traceparent = () => `00-${newTraceId()}-${'1'.repeat(16)}-01`;

/** Calls counted by the span_metrics connector, from Prometheus. */
const SERIES = {
  gateway:
    'traces_span_metrics_calls_total{service_name="api-gateway", span_kind="SPAN_KIND_SERVER"}',
  login:
    'traces_span_metrics_calls_total{service_name="auth-service", span_kind="SPAN_KIND_SERVER", http_route="/login"}',
  orders:
    'traces_span_metrics_calls_total{service_name="order-service", span_kind="SPAN_KIND_SERVER", http_route="/orders"}',
  charges:
    'traces_span_metrics_calls_total{service_name="payment-service", span_kind="SPAN_KIND_SERVER", http_route="/charges"}',
  fulfilled:
    'traces_span_metrics_calls_total{service_name="fulfillment-worker", span_kind="SPAN_KIND_CONSUMER"}',
} as const;
type Counts = Record<keyof typeof SERIES, number>;

async function counts(): Promise<Counts> {
  const entries = await Promise.all(
    Object.entries(SERIES).map(async ([name, series]) => [
      name,
      await scalarOf(stack.prometheus, `sum(${series})`),
    ]),
  );
  return Object.fromEntries(entries) as Counts;
}

describe('span metrics in Prometheus', () => {
  let before: Counts;
  let sent: Counts;
  let after: Counts;
  let statuses: Record<number, number>;

  beforeAll(async () => {
    await pipelineIdle(stack);
    before = await counts();
    const logins = 8;
    const orders = 24;
    const lists = 12;
    const badBodies = 5; // 400 at the gateway: never reaches order-service
    const noToken = 4; // 401 at the gateway
    const { body } = await client.call('/api/auth/login', {
      traceparent: traceparent(),
      body: { email: 'bob@example.com', password: 'bob-password' },
    });
    const token = body.accessToken as string;
    const requests: (() => Promise<unknown>)[] = [
      ...Array.from(
        { length: logins - 1 },
        () => () =>
          client.call('/api/auth/login', {
            traceparent: traceparent(),
            body: { email: 'bob@example.com', password: 'bob-password' },
          }),
      ),
      ...Array.from(
        { length: orders },
        () => () =>
          client.call('/api/orders', {
            traceparent: traceparent(),
            token,
            body: {
              items: [{ sku: 'SKU-FILTER', quantity: 1 }],
              paymentMethod: 'card',
              cardNumber: '4242424242424242',
            },
          }),
      ),
      ...Array.from(
        { length: lists },
        () => () => client.call('/api/orders', { traceparent: traceparent(), token }),
      ),
      ...Array.from(
        { length: badBodies },
        () => () =>
          client.call('/api/orders', {
            traceparent: traceparent(),
            token,
            body: { items: 'none' },
          }),
      ),
      ...Array.from(
        { length: noToken },
        () => () => client.call('/api/orders', { traceparent: traceparent() }),
      ),
    ];
    const answers = (await inParallel(requests, 4, (request) => request())) as { status: number }[];
    statuses = {};
    for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
    sent = {
      gateway: logins + orders + lists + badBodies + noToken,
      login: logins,
      orders: orders + lists,
      charges: orders,
      fulfilled: orders,
    };
    const expected = (name: keyof Counts) => before[name] + sent[name];
    after = await waitFor(
      'Prometheus to count every request sent',
      async () => {
        const now = await counts();
        const done = (Object.keys(SERIES) as (keyof Counts)[]).every((n) => now[n] >= expected(n));
        return done && now;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    ).catch(async () => counts());
  });

  it('got the answers the requests call for', () => {
    expect(statuses).toEqual({ 200: 7 + 12, 201: 24, 400: 5, 401: 4 });
  });

  it.each(Object.keys(SERIES) as (keyof Counts)[])(
    'counts exactly the %s requests sent (not the sampled ones)',
    (name) => {
      expect(after[name] - before[name]).toBe(sent[name]);
    },
  );
});
