import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrape, sumOf } from '@tracing-demo/otlp';
import {
  type CollectorProcess,
  freePort,
  type JaegerProcess,
  startCollector,
  startJaeger,
  waitFor,
} from '@tracing-demo/platform';
import { type SyntheticSpan, sendSpans, syntheticTrace } from '@tracing-demo/testkit';
import { afterAll, expect, it } from 'vitest';

const scratch = mkdtempSync(join(tmpdir(), 'tracing-demo-queue-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The span ids Jaeger holds for a trace (none while it does not have it). */
async function storedSpanIds(jaeger: JaegerProcess, traceId: string): Promise<string[]> {
  const response = await fetch(`${jaeger.url}/api/v3/traces/${traceId}`);
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`trace ${traceId}: ${response.status}`);
  const text = await response.text();
  return [...text.matchAll(/"spanId":"([0-9a-f]{16})"/g)].map((m) => m[1] as string).sort();
}

/** Every span of every trace is in Jaeger. */
async function allStored(jaeger: JaegerProcess, traces: SyntheticSpan[][]): Promise<boolean> {
  for (const trace of traces) {
    const ids = await storedSpanIds(jaeger, trace[0]?.traceId as string);
    if (
      ids.join() !==
      trace
        .map((s) => s.spanId)
        .sort()
        .join()
    )
      return false;
  }
  return true;
}

const sampledTraces = async (collector: CollectorProcess) =>
  sumOf(
    await scrape(collector.telemetryUrl),
    'otelcol_processor_tail_sampling_global_count_traces_sampled',
    {
      sampled: 'true',
    },
  );

it('keeps sampled traces through a trace store outage and a collector restart (file_storage queue, Jaeger with badger)', async () => {
  const queueDir = join(scratch, 'queue');
  const storeDir = join(scratch, 'jaeger');
  const otlpPort = await freePort();
  // Jaeger comes back on the same OTLP port and badger directory, as a restarted pod would.
  const startStore = () =>
    startJaeger({
      dataDir: storeDir,
      env: { JAEGER_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpPort}` },
    });
  const env = {
    TRACES_OTLP_HTTP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
    SAMPLING_WAIT_AFTER_ROOT: '1s',
  };
  const startSampler = () =>
    startCollector({ configs: ['collector/otel-collector.yaml'], env, queueDir });
  const before = Array.from({ length: 5 }, () => syntheticTrace({ error: true }));
  const during = Array.from({ length: 10 }, () => syntheticTrace({ error: true }));

  // Both up: the first traces are stored.
  let jaeger = await startStore();
  let collector = await startSampler();
  try {
    expect(await sendSpans(collector.otlpHttpUrl, before.flat())).toBe(200);
    await waitFor('the first traces in Jaeger', () => allStored(jaeger, before), {
      timeoutMs: 30_000,
      intervalMs: 500,
    });

    // Jaeger is down: the next traces are decided and wait in the on-disk queue.
    await jaeger.stop();
    expect(await sendSpans(collector.otlpHttpUrl, during.flat())).toBe(200);
    await waitFor(
      'the sampler to keep every trace sent during the outage',
      async () => (await sampledTraces(collector)) === before.length + during.length,
      { timeoutMs: 30_000 },
    );
    await waitFor(
      'the kept traces to be queued for the trace store',
      async () => sumOf(await scrape(collector.telemetryUrl), 'otelcol_exporter_queue_size') > 0,
    );

    // The collector restarts with the same queue while Jaeger is still down; then Jaeger comes
    // back on its data directory.
    await collector.stop();
    collector = await startSampler();
    jaeger = await startStore();
    await waitFor(
      'every trace, before and during the outage, to be whole in Jaeger',
      () => allStored(jaeger, [...before, ...during]),
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
  } finally {
    await collector.stop();
    await jaeger.stop();
  }
});
