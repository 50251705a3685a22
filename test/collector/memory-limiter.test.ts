import { scrape, sumOf } from '@tracing-demo/otlp';
import { waitFor } from '@tracing-demo/platform';
import {
  type SamplingCollector,
  sendSpans,
  startSamplingCollector,
  syntheticTrace,
} from '@tracing-demo/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

let sampling: SamplingCollector;

/**
 * A limit far below what the collector's heap already uses makes memory_limiter trip at once,
 * as it would under a flood: the collector must refuse with a retryable status and keep running.
 */
beforeAll(async () => {
  sampling = await startSamplingCollector({
    OTELCOL_MEMORY_LIMIT_MIB: '4',
    OTELCOL_MEMORY_SPIKE_LIMIT_MIB: '1',
  });
});
afterAll(async () => {
  await sampling?.stop();
});

it('refuses spans with a retryable status when memory_limiter trips, and stays up', async () => {
  const statuses: number[] = [];
  await waitFor('memory_limiter to refuse', async () => {
    const status = await sendSpans(sampling.collector.otlpHttpUrl, syntheticTrace({ error: true }));
    statuses.push(status);
    return status !== 200;
  });
  for (let i = 0; i < 20; i++)
    statuses.push(await sendSpans(sampling.collector.otlpHttpUrl, syntheticTrace({ error: true })));
  const refused = statuses.filter((s) => s !== 200);
  console.log(`statuses while over the limit: ${[...new Set(statuses)].join(', ')}`);
  // 429/503 tell OTLP clients (the SDKs, the front tier) to back off and retry.
  expect(refused.every((s) => s === 429 || s === 503)).toBe(true);
  expect(sampling.collector.running()).toBe(true);
  const telemetry = await scrape(sampling.collector.telemetryUrl);
  expect(sumOf(telemetry, 'otelcol_receiver_refused_spans')).toBeGreaterThan(0);
  expect(sampling.collector.output()).not.toMatch(/panic|fatal error/i);
});
