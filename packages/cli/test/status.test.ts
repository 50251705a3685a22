import {
  type CollectorProcess,
  freePort,
  type JaegerProcess,
  type PrometheusProcess,
  startCollector,
  startJaeger,
  startPrometheus,
  waitFor,
} from '@tracing-demo/platform';
import { type SyntheticSpan, sendSpans, syntheticTrace } from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli.js';
import { type PipelineEndpoints, pipelineStatus } from '../src/status/index.js';
import { baselineHashShare, traceIdKeptAt } from '../src/verify/sampling.js';
import { captureIo } from './support/io.js';

let jaeger: JaegerProcess;
let collector: CollectorProcess;
let prometheus: PrometheusProcess;
let endpoints: PipelineEndpoints;

/** The same synthetic trace under a trace id of our choosing. */
const withTraceId = (traceId: string, trace: SyntheticSpan[]) =>
  trace.map((s) => ({ ...s, traceId }));

function traceIdDroppedAt1Percent(): string {
  for (;;) {
    const id = syntheticTrace({})[0]?.traceId as string;
    if (baselineHashShare(id) > 0.5) return id;
  }
}

// Through a collector keeping 1% of the ordinary traces: an error trace (kept by the errors
// policy), an ordinary trace whose id verify would choose (kept by the baseline) and an
// ordinary trace whose id hashes high (dropped). 18 spans in, 12 out. Only the chosen id hashes
// low, so the baseline policy keeping exactly one trace means it kept that one.
const failing = withTraceId(traceIdDroppedAt1Percent(), syntheticTrace({ error: true }));
const chosen = withTraceId(traceIdKeptAt(), syntheticTrace({}));
const unlucky = withTraceId(traceIdDroppedAt1Percent(), syntheticTrace({}));

beforeAll(async () => {
  const healthPort = await freePort();
  [jaeger, prometheus] = await Promise.all([startJaeger(), startPrometheus()]);
  collector = await startCollector({
    configs: ['collector/otel-collector.yaml'],
    env: {
      TRACES_OTLP_HTTP_ENDPOINT: jaeger.otlpHttpUrl,
      OTELCOL_HEALTH_ENDPOINT: `127.0.0.1:${healthPort}`,
      SAMPLING_BASELINE_PERCENT: '1',
      SAMPLING_WAIT_AFTER_ROOT: '1s',
    },
  });
  endpoints = {
    collectorHealth: `http://127.0.0.1:${healthPort}/`,
    collectorMetrics: collector.telemetryUrl,
    // No backend: detected from Jaeger's answers, as `tracing-demo status` does by default.
    traces: jaeger.url,
    tracesMetrics: jaeger.metricsUrl,
    prometheus: prometheus.url,
  };
  expect(await sendSpans(collector.otlpHttpUrl, [...failing, ...chosen, ...unlucky])).toBe(200);
  await waitFor(
    'three sampling decisions, 12 spans exported and stored',
    async () => {
      const { collector: counters, components } = await pipelineStatus(endpoints);
      return (
        counters &&
        counters.tracesKept + counters.tracesDropped === 3 &&
        counters.spansExported === 12 &&
        components.some((c) => c.details.includes('stored 12, failed 0'))
      );
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
});
afterAll(async () => {
  await collector?.stop();
  await Promise.all([jaeger?.stop(), prometheus?.stop()]);
});

const flags = () => [
  '--collector-health',
  endpoints.collectorHealth,
  '--collector-metrics',
  endpoints.collectorMetrics,
  '--traces-url',
  endpoints.traces,
  '--traces-metrics',
  endpoints.tracesMetrics as string,
  '--prometheus',
  endpoints.prometheus,
];

describe('tracing-demo status', () => {
  it("keeps the trace whose id verify chose: the real tail sampler agrees with verify's hash", async () => {
    const status = await pipelineStatus(endpoints);
    expect(status.collector).toMatchObject({
      tracesKept: 2,
      tracesDropped: 1,
      keptByPolicy: { errors: 1, baseline: 1 },
    });
    expect(status.traceStore).toEqual({ backend: 'jaeger', spansReceived: 12, spansLost: 0 });
  });

  it('shows every component up, the spans in and out, and the kept ratio', async () => {
    const { io, captured } = captureIo();
    const code = await run(['status', ...flags()], io);
    expect(captured.err).toBe('');
    expect(code).toBe(0);
    const lines = captured.out.split('\n');
    expect(lines[0]).toMatch(/^COMPONENT +STATE +DETAILS$/);
    expect(lines[1]).toMatch(
      /^collector +✓ up +healthy · spans received 18, refused 0 · exported 12, failed 0 · queue 0$/,
    );
    expect(lines[2]).toMatch(
      /^jaeger +✓ up +query API answers · spans received 12, refused 0 · stored 12, failed 0$/,
    );
    expect(lines[3]).toMatch(
      /^prometheus +✓ up +ready · targets \d+\/\d+ up · alerts \d+ firing, \d+ pending$/,
    );
    expect(captured.out).toContain(
      'kept ratio  66.7% of the spans the collector received went to Jaeger (12 of 18)',
    );
    expect(captured.out).toMatch(
      /^sampling {4}traces kept 2, dropped 1 · kept by policy: (errors 1, baseline 1|baseline 1, errors 1)$/m,
    );
    expect(captured.out).not.toContain('✗');
  });

  it('marks a component that stopped answering, and exits 1', async () => {
    await jaeger.stop();
    const { io, captured } = captureIo();
    const code = await run(['status', ...flags()], io);
    expect(code).toBe(1);
    expect(captured.out).toMatch(/^collector +✓ up /m);
    // Nothing answers to tell which store it was.
    expect(captured.out).toMatch(/^trace store +✗ down +cannot reach the trace store at /m);
    expect(captured.out).toMatch(/^prometheus +✓ up /m);
    expect(captured.out).toContain(
      `✗ trace store is down: cannot reach the trace store at ${jaeger.url} (connection refused): is the local stack running? \`make local\``,
    );
    expect(captured.out).toContain('went to the trace store (12 of 18)');
    const named = captureIo({ TRACES_BACKEND: 'jaeger' });
    expect(await run(['status', ...flags()], named.io)).toBe(1);
    expect(named.captured.out).toMatch(/^jaeger +✗ down +cannot reach Jaeger at /m);
    expect(named.captured.out).toContain('went to Jaeger (12 of 18)');
  });
});
