/**
 * Run by test/cluster/chart-on-node.test.ts inside the node, against the release: Jaeger's
 * Monitor tab (SPM) works out of the box. Its metrics API answers from the collector's span
 * metrics in the release's Prometheus (jaeger.spm.enabled: JAEGER_PROMETHEUS_URL, and the
 * NetworkPolicy edge from Jaeger to Prometheus), with a call rate for the gateway after orders.
 */
import { waitFor } from '@tracing-demo/testkit';
import { describe, expect, inject, it } from 'vitest';
import { gatewayClient } from '../../e2e/support/client.ts';

const stack = inject('stack');
const client = gatewayClient(stack.gateway, stack.collectorOtlpHttp);

/** The part of Jaeger's metrics API answer read here (api/metrics/{calls,errors,latencies}). */
interface MetricFamily {
  name: string;
  metrics?: {
    labels: { name: string; value: string }[];
    metricPoints: { gaugeValue?: { doubleValue?: number } }[];
  }[];
}

async function serverCallRate(service: string): Promise<number> {
  const query = new URLSearchParams({
    service,
    spanKind: 'server',
    endTs: String(Date.now()),
    lookback: String(5 * 60_000),
    step: '15000',
    ratePer: '60000',
  });
  const res = await fetch(`${stack.jaeger}/api/metrics/calls?${query}`);
  const body = await res.text();
  expect(res.status, body).toBe(200);
  const family = JSON.parse(body) as MetricFamily;
  expect(family.name).toBe('service_call_rate');
  const values = (family.metrics ?? [])
    .filter((m) => m.labels.some((l) => l.name === 'service_name' && l.value === service))
    .flatMap((m) => m.metricPoints.map((p) => p.gaugeValue?.doubleValue ?? 0));
  return Math.max(0, ...values);
}

describe("Jaeger's Monitor tab (SPM)", () => {
  it("shows the gateway's call rate from the release's Prometheus", async () => {
    for (let i = 0; i < 5; i++) {
      expect((await client.loginAndOrder()).order.status).toBe(201);
    }
    // Span metrics are flushed, then scraped (15 s), then two samples make a rate.
    const rate = await waitFor(
      'a call rate for api-gateway in Jaeger SPM',
      async () => {
        const value = await serverCallRate('api-gateway');
        return value > 0 ? value : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 3000 },
    );
    expect(rate).toBeGreaterThan(0);
  }, 200_000);
});
