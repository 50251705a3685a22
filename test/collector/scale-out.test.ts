import { scrape, sumOf } from '@tracing-demo/otlp';
import { type CollectorProcess, startCollector, waitFor } from '@tracing-demo/platform';
import {
  type SamplingCollector,
  type SyntheticSpan,
  sendSpans,
  startSamplingCollector,
  syntheticTrace,
} from '@tracing-demo/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

/**
 * Two sampler-tier collectors (collector/otel-collector.yaml) behind one front-tier collector
 * (collector/otel-collector-lb.yaml with the static resolver), each sampler exporting to a sink
 * of its own. Every service's spans of a trace are sent in separate requests, as separate pods
 * would send them.
 */
const samplers: SamplingCollector[] = [];
let front: CollectorProcess;

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    samplers.push(
      await startSamplingCollector({
        SAMPLING_BASELINE_PERCENT: '0',
        SAMPLING_WAIT_AFTER_ROOT: '1s',
        SPAN_METRICS_FLUSH_INTERVAL: '1s',
      }),
    );
  }
  front = await startCollector({
    configs: ['collector/otel-collector-lb.yaml', 'collector/overlays/lb-resolver-static.yaml'],
    env: {
      OTELCOL_SAMPLER_ENDPOINTS: `[${samplers.map((s) => s.collector.otlpGrpcEndpoint).join(', ')}]`,
    },
  });
});
afterAll(async () => {
  await front?.stop();
  for (const sampler of samplers) await sampler.stop();
});

it('keeps every error trace whole, each on exactly one sampler', async () => {
  const errors = Array.from({ length: 60 }, () => syntheticTrace({ error: true }));
  const normal = Array.from({ length: 140 }, () => syntheticTrace({}));
  const all = [...errors, ...normal];
  for (const service of ['payment-service', 'order-service', 'api-gateway']) {
    const spans = all.flatMap((trace) => trace.filter((s) => s.service === service));
    expect(await sendSpans(front.otlpHttpUrl, spans)).toBe(200);
  }

  const where = (trace: SyntheticSpan[]) =>
    samplers.map(({ store }) => store.trace(trace[0]?.traceId as string).length);
  await waitFor(
    'every error trace exported complete',
    () => errors.every((t) => where(t).some((n) => n === 6)),
    {
      timeoutMs: 30_000,
    },
  );
  for (const trace of errors) {
    const counts = where(trace);
    expect(counts.sort(), `trace ${trace[0]?.traceId} on one sampler, whole`).toEqual([0, 6]);
  }
  // With the baseline at 0%, nothing else is kept: a split trace would have lost its error span
  // on one sampler and been dropped or exported in part there.
  for (const trace of normal) expect(where(trace)).toEqual([0, 0]);

  const perSampler = samplers.map(({ store }) => new Set(store.spans.map((s) => s.traceId)).size);
  console.log(`error traces per sampler: ${perSampler.join(' / ')}`);
  expect(perSampler.every((n) => n > 0)).toBe(true);

  // And span metrics, summed over the samplers, still count every span sent.
  await waitFor('span metrics over both samplers', async () => {
    let total = 0;
    for (const { collector } of samplers)
      total += sumOf(await scrape(collector.metricsUrl), 'traces_span_metrics_calls_total');
    return total === all.length * 6;
  });
});
