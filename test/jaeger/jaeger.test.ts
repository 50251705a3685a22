/**
 * The real Jaeger v2 running jaeger/jaeger.yaml, as the local stack, the e2e suite and the chart
 * run it: OTLP in, every span of a trace out by id, search by service, operation, duration and
 * attributes, badger keeping traces across a restart until the retention, memory storage by env.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type OtlpTraceDocument, spansFromOtlp } from '@tracing-demo/otlp';
import {
  type JaegerProcess,
  repoPath,
  startJaeger,
  toolPath,
  waitFor,
} from '@tracing-demo/platform';
import { newTraceId, type SyntheticSpan, sendSpans, syntheticTrace } from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'tracing-demo-jaeger-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The spans of an api/v3 answer (several traces flattened into one list), undefined for a 404. */
async function v3(jaeger: JaegerProcess, path: string) {
  const response = await fetch(`${jaeger.url}${path}`);
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return spansFromOtlp((await response.json()) as OtlpTraceDocument);
}

const traceById = (jaeger: JaegerProcess, traceId: string) =>
  v3(jaeger, `/api/v3/traces/${traceId}`);

/** Waits until Jaeger answers the trace with as many spans as were sent. */
function waitForWholeTrace(jaeger: JaegerProcess, trace: SyntheticSpan[], timeoutMs = 30_000) {
  const traceId = trace[0]?.traceId as string;
  return waitFor(
    `trace ${traceId} with ${trace.length} spans`,
    async () => {
      const spans = await traceById(jaeger, traceId);
      return spans?.length === trace.length && spans;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** The trace ids of a v3 search over the last hour (the filters the v3 API honours). */
async function searchV3(jaeger: JaegerProcess, filters: Record<string, string>) {
  const params = new URLSearchParams({
    'query.start_time_min': new Date(Date.now() - 3_600_000).toISOString(),
    'query.start_time_max': new Date(Date.now() + 60_000).toISOString(),
    'query.num_traces': '100',
    ...filters,
  });
  const spans = await v3(jaeger, `/api/v3/traces?${params}`);
  return [...new Set((spans ?? []).map((s) => s.traceId))];
}

/** The trace ids of a search in the legacy API, which honours attribute (tag) filters. */
async function searchLegacy(jaeger: JaegerProcess, params: Record<string, string>) {
  const response = await fetch(`${jaeger.url}/api/traces?${new URLSearchParams(params)}`);
  const body = (await response.json()) as { data: { traceID: string }[] | null; errors?: unknown };
  if (response.status !== 200) throw new Error(`/api/traces: ${JSON.stringify(body.errors)}`);
  return (body.data ?? []).map((trace) => trace.traceID);
}

const idOf = (trace: SyntheticSpan[]) => trace[0]?.traceId as string;

describe('Jaeger from jaeger/jaeger.yaml with badger (the default storage)', () => {
  const dataDir = join(scratch, 'badger');
  const orderId = `ord-${newTraceId().slice(0, 12)}`;
  const failing = syntheticTrace({
    error: true,
    attributes: { 'order.id': orderId, 'http.route': '/api/orders' },
  });
  const slow = syntheticTrace({ durationMs: 1_500, attributes: { 'order.id': 'another' } });
  const normal = syntheticTrace({ attributes: { 'http.route': '/api/other' } });
  let jaeger: JaegerProcess;

  beforeAll(async () => {
    jaeger = await startJaeger({ dataDir });
    expect(await sendSpans(jaeger.otlpHttpUrl, [...failing, ...slow, ...normal])).toBe(200);
    await Promise.all([failing, slow, normal].map((trace) => waitForWholeTrace(jaeger, trace)));
  });
  afterAll(async () => {
    await jaeger?.stop();
  });

  it('listens on loopback only when told to, and stores under JAEGER_DATA_DIR', async () => {
    for (const url of [jaeger.url, jaeger.otlpHttpUrl, jaeger.metricsUrl, jaeger.healthUrl])
      expect(new URL(url).hostname).toBe('127.0.0.1');
    expect((await fetch(jaeger.healthUrl)).status).toBe(200);
    expect(await (await fetch(jaeger.metricsUrl)).text()).toMatch(
      /^otelcol_receiver_accepted_spans/m,
    );
    expect(jaeger.dataDir).toBe(dataDir);
  });

  it('accepts OTLP and answers trace by id with every span, parent and status', async () => {
    const spans = (await traceById(jaeger, idOf(failing))) ?? [];
    const sent = failing.map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      service: s.service,
      name: s.name,
      error: s.error === true,
    }));
    const stored = spans.map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      service: s.service,
      name: s.name,
      error: s.status.code === 'ERROR',
    }));
    const bySpanId = (a: { spanId: string }, b: { spanId: string }) =>
      a.spanId.localeCompare(b.spanId);
    expect(stored.sort(bySpanId)).toEqual(sent.sort(bySpanId));
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([idOf(failing)]));
  });

  it('answers a trace id it does not hold with 404', async () => {
    expect(await traceById(jaeger, newTraceId())).toBeUndefined();
  });

  it('lists the services it has spans of', async () => {
    const response = await fetch(`${jaeger.url}/api/services`);
    const { data } = (await response.json()) as { data: string[] };
    expect(data.sort()).toEqual(['api-gateway', 'order-service', 'payment-service']);
  });

  it('finds traces by service and operation', async () => {
    const all = await searchV3(jaeger, { 'query.service_name': 'payment-service' });
    expect(all.sort()).toEqual([failing, slow, normal].map(idOf).sort());
    const charges = await searchV3(jaeger, {
      'query.service_name': 'payment-service',
      'query.operation_name': 'chargePayment',
    });
    expect(charges.sort()).toEqual([failing, slow, normal].map(idOf).sort());
    const none = await searchV3(jaeger, {
      'query.service_name': 'payment-service',
      'query.operation_name': 'POST /api/orders',
    });
    expect(none).toEqual([]);
  });

  it('finds traces by duration', async () => {
    const slowOnes = await searchV3(jaeger, {
      'query.service_name': 'api-gateway',
      'query.duration_min': '1s',
    });
    expect(slowOnes).toEqual([idOf(slow)]);
    const fastOnes = await searchLegacy(jaeger, {
      service: 'api-gateway',
      operation: 'POST /api/orders',
      maxDuration: '1s',
      limit: '100',
    });
    expect(fastOnes.sort()).toEqual([failing, normal].map(idOf).sort());
  });

  it('finds traces by attributes and by error (legacy API tags)', async () => {
    const byOrder = await searchLegacy(jaeger, {
      service: 'api-gateway',
      tags: JSON.stringify({ 'order.id': orderId }),
      limit: '100',
    });
    expect(byOrder).toEqual([idOf(failing)]);
    const byRoute = await searchLegacy(jaeger, {
      service: 'order-service',
      tags: JSON.stringify({ 'http.route': '/api/other' }),
      limit: '100',
    });
    expect(byRoute).toEqual([idOf(normal)]);
    const errors = await searchLegacy(jaeger, {
      service: 'payment-service',
      tags: JSON.stringify({ error: 'true' }),
      limit: '100',
    });
    expect(errors).toEqual([idOf(failing)]);
  });

  it('keeps every trace across a restart on the same data directory', async () => {
    await jaeger.stop();
    jaeger = await startJaeger({ dataDir });
    for (const trace of [failing, slow, normal]) {
      const spans = (await traceById(jaeger, idOf(trace))) ?? [];
      expect(spans.map((s) => s.spanId).sort()).toEqual(trace.map((s) => s.spanId).sort());
    }
    const byOrder = await searchLegacy(jaeger, {
      service: 'api-gateway',
      tags: JSON.stringify({ 'order.id': orderId }),
      limit: '100',
    });
    expect(byOrder).toEqual([idOf(failing)]);
  });
});

describe('Jaeger storage settings', () => {
  it('forgets traces after the retention (JAEGER_RETENTION)', async () => {
    const jaeger = await startJaeger({ env: { JAEGER_RETENTION: '10s' } });
    try {
      const trace = syntheticTrace({});
      expect(await sendSpans(jaeger.otlpHttpUrl, trace)).toBe(200);
      await waitForWholeTrace(jaeger, trace, 8_000);
      await waitFor(
        'the trace to expire',
        async () => (await traceById(jaeger, idOf(trace))) === undefined,
        { timeoutMs: 30_000, intervalMs: 500 },
      );
    } finally {
      await jaeger.stop();
    }
  });

  it('keeps traces in memory with JAEGER_STORAGE=memory: searchable, gone after a restart', async () => {
    const dataDir = join(scratch, 'memory');
    const env = { JAEGER_STORAGE: 'memory' };
    const trace = syntheticTrace({ attributes: { 'order.id': 'in-memory' } });
    let jaeger = await startJaeger({ env, dataDir });
    try {
      expect(await sendSpans(jaeger.otlpHttpUrl, trace)).toBe(200);
      await waitForWholeTrace(jaeger, trace);
      const found = await searchLegacy(jaeger, {
        service: 'api-gateway',
        tags: JSON.stringify({ 'order.id': 'in-memory' }),
        limit: '10',
      });
      expect(found).toEqual([idOf(trace)]);
      await jaeger.stop();
      jaeger = await startJaeger({ env, dataDir });
      expect(await traceById(jaeger, idOf(trace))).toBeUndefined();
      expect(await searchV3(jaeger, { 'query.service_name': 'api-gateway' })).toEqual([]);
    } finally {
      await jaeger.stop();
    }
  });
});

describe('jaeger validate', () => {
  const validate = (config: string, env: Record<string, string> = {}) =>
    run(toolPath('jaeger'), ['validate', `--config=file:${config}`], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });

  it.each([
    ['badger', {}],
    ['memory', { JAEGER_STORAGE: 'memory' }],
    ['memory with SPM', { JAEGER_STORAGE: 'memory', JAEGER_SPM_STORAGE: 'prometheus' }],
  ])('accepts jaeger/jaeger.yaml (%s)', async (_name, env) => {
    await expect(validate(repoPath('jaeger', 'jaeger.yaml'), env)).resolves.toBeDefined();
  });

  it('rejects a config with a wrong key, so the check above means something', async () => {
    const broken = join(scratch, 'broken.yaml');
    writeFileSync(
      broken,
      readFileSync(repoPath('jaeger', 'jaeger.yaml'), 'utf8').replace('max_traces:', 'max_trace:'),
    );
    await expect(validate(broken)).rejects.toThrow(/max_trace/);
  });
});
