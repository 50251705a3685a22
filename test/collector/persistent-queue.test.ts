import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  scrape,
  sendSpans,
  startCollector,
  startOtlpSink,
  sumOf,
  syntheticTrace,
  waitFor,
} from '@tracing-demo/testkit';
import { afterAll, expect, it } from 'vitest';

const queueDir = mkdtempSync(join(tmpdir(), 'tracing-demo-queue-'));
afterAll(() => rmSync(queueDir, { recursive: true, force: true }));

it('keeps sampled traces through a Tempo outage and a collector restart (file_storage queue)', async () => {
  const tempoPort = await freePort();
  const env = {
    TRACES_OTLP_HTTP_ENDPOINT: `http://127.0.0.1:${tempoPort}`,
    TRACES_OTLP_ENCODING: 'json',
    SAMPLING_WAIT_AFTER_ROOT: '1s',
  };
  const errors = Array.from({ length: 10 }, () => syntheticTrace({ error: true }));

  // Tempo is down: the traces are decided and wait in the on-disk queue.
  const first = await startCollector({ configs: ['collector/otel-collector.yaml'], env, queueDir });
  try {
    expect(await sendSpans(first.otlpHttpUrl, errors.flat())).toBe(200);
    await waitFor(
      'the sampled traces to be queued for Tempo',
      async () => sumOf(await scrape(first.telemetryUrl), 'otelcol_exporter_queue_size') > 0,
    );
  } finally {
    await first.stop();
  }

  // Tempo is back, and so is the collector, with the same queue directory.
  const tempo = await startOtlpSink({ port: tempoPort });
  const second = await startCollector({
    configs: ['collector/otel-collector.yaml'],
    env,
    queueDir,
  });
  try {
    await waitFor(
      'every queued trace to reach Tempo',
      () =>
        errors.every((trace) => tempo.trace(trace[0]?.traceId as string).length === trace.length),
      { timeoutMs: 60_000 },
    );
  } finally {
    await second.stop();
    await tempo.close();
  }
});
