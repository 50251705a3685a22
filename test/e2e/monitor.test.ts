/**
 * Jaeger's Monitor tab (SPM): Jaeger reads the request rate, error ratio and latency of each
 * service from the collector's span metrics in the stack's Prometheus (JAEGER_SPM_STORAGE,
 * JAEGER_PROMETHEUS_URL), through the same /api/metrics API the UI calls.
 */
import { waitFor } from '@tracing-demo/platform';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayClient, inParallel, setFaults } from './support/client.ts';

const stack = inject('stack');
const client = gatewayClient(stack.gateway, stack.collectorOtlpHttp);

interface MetricFamily {
  name: string;
  metrics?: {
    labels?: { name: string; value: string }[];
    metricPoints?: { gaugeValue?: { doubleValue?: number } }[];
  }[];
}

/** The points of one service in one of Jaeger's metrics (calls, errors, latencies). */
async function servicePoints(metric: string, service: string, params: Record<string, string> = {}) {
  const query = new URLSearchParams({
    service,
    spanKind: 'server',
    endTs: String(Date.now()),
    lookback: String(10 * 60_000),
    step: '5000',
    ratePer: '60000',
    ...params,
  });
  const response = await fetch(`${stack.jaeger}/api/metrics/${metric}?${query}`);
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`/api/metrics/${metric}: ${response.status} ${text}`);
  const family = JSON.parse(text) as MetricFamily;
  return (family.metrics ?? [])
    .filter((m) => m.labels?.some((l) => l.name === 'service_name' && l.value === service))
    .flatMap((m) => m.metricPoints ?? [])
    .map((p) => p.gaugeValue?.doubleValue)
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

describe("Jaeger's Monitor tab (span metrics from Prometheus)", () => {
  beforeAll(async () => {
    await setFaults(stack.payment, { failureRate: 0.5 });
    try {
      await inParallel(Array.from({ length: 12 }), 3, () => client.loginAndOrder());
    } finally {
      await setFaults(stack.payment, { failureRate: 0 });
    }
  });

  it('shows each service’s request rate, error ratio and latency', async () => {
    const points = await waitFor(
      'request rate, error ratio and p95 latency of the gateway and payment-service in Jaeger',
      async () => {
        const [calls, errors, latencies, payments] = await Promise.all([
          servicePoints('calls', 'api-gateway'),
          servicePoints('errors', 'payment-service'),
          servicePoints('latencies', 'api-gateway', { quantile: '0.95' }),
          servicePoints('calls', 'payment-service'),
        ]);
        const seen = (values: number[]) => values.some((v) => v > 0);
        return (
          seen(calls) &&
          seen(errors) &&
          seen(latencies) &&
          seen(payments) && { calls, errors, latencies }
        );
      },
      { timeoutMs: 90_000, intervalMs: 2000 },
    );
    // The error ratio is a share of the calls. Latencies are milliseconds, as the UI shows them:
    // a gateway p95 read from the seconds histogram would be below 1.
    expect(Math.max(...points.errors)).toBeLessThanOrEqual(1);
    expect(Math.max(...points.latencies)).toBeGreaterThan(1);
    expect(Math.max(...points.latencies)).toBeLessThan(60_000);
  });
});
