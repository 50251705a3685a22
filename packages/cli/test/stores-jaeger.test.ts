import { freePort, type JaegerProcess } from '@tracing-demo/platform';
import { type SyntheticSpan, syntheticTrace } from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError, UnreachableError } from '../src/errors.js';
import {
  connectTraceStore,
  detectBackend,
  TraceNotFoundError,
  TraceQueryError,
  type TraceStore,
  traceStore,
} from '../src/stores/index.js';
import { idOf, jaegerHolding } from './support/jaeger.js';

let jaeger: JaegerProcess;
let store: TraceStore;

const withService = (trace: SyntheticSpan[], from: string, to: string) =>
  trace.map((s) => (s.service === from ? { ...s, service: to } : s));

/** An order whose payment failed; its spans carry a route and a tenant. */
const failing = syntheticTrace({
  error: true,
  attributes: { 'http.route': '/api/orders', 'app.tenant': 'acme', 'app.items': 3 },
});
/** A slow order, no error, another tenant. */
const slow = syntheticTrace({ durationMs: 1500, attributes: { 'app.tenant': 'globex' } });
/** An ordinary order through a differently named edge service. */
const other = withService(
  syntheticTrace({ attributes: { 'app.tenant': 'acme' } }),
  'api-gateway',
  'edge',
);
/** Started two hours ago: outside a search's default hour. */
const old = syntheticTrace({ startMs: Date.now() - 2 * 3_600_000 });

beforeAll(async () => {
  ({ jaeger, store } = await jaegerHolding([failing, slow, other, old]));
});
afterAll(async () => {
  await jaeger?.stop();
});

const ids = (found: { traceId: string }[]) => found.map((t) => t.traceId);

describe('the Jaeger store', () => {
  it('fetches a trace by id as normalized spans: hex ids, parents, kinds, status, attributes', async () => {
    const spans = await store.fetchTrace(idOf(failing));
    const sent = (s: { spanId: string; parentSpanId?: string; service: string; name: string }) =>
      [s.spanId, s.parentSpanId ?? null, s.service, s.name].join(' ');
    expect(spans.map(sent).sort()).toEqual(failing.map(sent).sort());
    expect(spans.find((s) => s.name === 'chargePayment')).toMatchObject({
      traceId: idOf(failing),
      kind: 'INTERNAL',
      durationMs: 40,
      status: { code: 'ERROR', message: 'synthetic failure' },
      attributes: { 'http.route': '/api/orders', 'app.tenant': 'acme', 'app.items': 3 },
      resource: { 'service.name': 'payment-service' },
    });
    expect(spans.find((s) => s.name === 'POST /api/orders')?.kind).toBe('SERVER');
  });

  it('takes an id in upper case', async () => {
    const spans = await store.fetchTrace(idOf(failing).toUpperCase());
    expect(spans).toHaveLength(6);
  });

  it('an unknown trace is TraceNotFoundError naming Jaeger and the URL', async () => {
    const promise = store.fetchTrace('0123456789abcdef0123456789abcdef');
    await expect(promise).rejects.toBeInstanceOf(TraceNotFoundError);
    await expect(promise).rejects.toThrow(
      `trace 0123456789abcdef0123456789abcdef not found in Jaeger at ${jaeger.url} (`,
    );
  });

  it('a malformed id is refused before asking, exit 2', async () => {
    const promise = store.fetchTrace('not-a-trace');
    await expect(promise).rejects.toThrow(
      "not a trace id: 'not-a-trace' (expected up to 32 hex digits)",
    );
    await expect(promise).rejects.toMatchObject({ exitCode: 2 });
  });

  it('lists its services', async () => {
    expect(await store.services()).toEqual([
      'api-gateway',
      'edge',
      'order-service',
      'payment-service',
    ]);
  });

  it('searches one service (api/v3): whole traces summarized, newest first', async () => {
    const found = await store.search({ service: 'api-gateway' });
    expect(ids(found).sort()).toEqual([idOf(failing), idOf(slow)].sort());
    const summary = found.find((t) => t.traceId === idOf(failing));
    expect(summary).toEqual({
      traceId: idOf(failing),
      rootService: 'api-gateway',
      rootName: 'POST /api/orders',
      startMs: failing[0]?.startMs,
      durationMs: 50,
      spanCount: 6,
      errorCount: 1,
    });
    expect(found.map((t) => t.startMs)).toEqual(
      [...found.map((t) => t.startMs)].sort((a, b) => b - a),
    );
  });

  it('without a service, searches every service once per trace', async () => {
    const found = await store.search({});
    expect(ids(found).sort()).toEqual([idOf(failing), idOf(slow), idOf(other)].sort());
    expect(found.find((t) => t.traceId === idOf(failing))).toMatchObject({
      spanCount: 6,
      errorCount: 1,
    });
  });

  it('filters by operation and duration (api/v3)', async () => {
    expect(ids(await store.search({ operation: 'POST /api/orders', service: 'edge' }))).toEqual([
      idOf(other),
    ]);
    expect(ids(await store.search({ service: 'api-gateway', minDurationMs: 1000 }))).toEqual([
      idOf(slow),
    ]);
    expect(ids(await store.search({ service: 'api-gateway', maxDurationMs: 1000 }))).toEqual([
      idOf(failing),
    ]);
  });

  it('filters by attributes and errors (the legacy API: api/v3 over HTTP ignores them)', async () => {
    expect(ids(await store.search({ attributes: { 'app.tenant': 'acme' } })).sort()).toEqual(
      [idOf(failing), idOf(other)].sort(),
    );
    expect(
      ids(
        await store.search({ attributes: { 'app.tenant': 'acme', 'http.route': '/api/orders' } }),
      ),
    ).toEqual([idOf(failing)]);
    // A number matches by its text.
    expect(ids(await store.search({ attributes: { 'app.items': '3' } }))).toEqual([idOf(failing)]);
    expect(ids(await store.search({ error: true }))).toEqual([idOf(failing)]);
    // The error is payment-service's: the gateway has no failed span.
    expect(await store.search({ error: true, service: 'api-gateway' })).toEqual([]);
    const [summary] = await store.search({ error: true, service: 'payment-service' });
    expect(summary).toMatchObject({ rootService: 'api-gateway', spanCount: 6, errorCount: 1 });
  });

  it('searches the hour before now by default, else the window given', async () => {
    expect(ids(await store.search({}))).not.toContain(idOf(old));
    const found = await store.search({
      start: new Date(Date.now() - 3 * 3_600_000),
      end: new Date(Date.now() - 3_600_000),
    });
    expect(ids(found)).toEqual([idOf(old)]);
  });

  it('stops at the limit, keeping the newest', async () => {
    const found = await store.search({ limit: 1 });
    expect(found).toHaveLength(1);
    const newest = [failing, slow, other].sort(
      (a, b) => (b[0]?.startMs ?? 0) - (a[0]?.startMs ?? 0),
    )[0] as SyntheticSpan[];
    expect(found[0]?.traceId).toBe(idOf(newest));
  });

  it('nothing found (api/v3 answers 404, the legacy API an empty list) is no traces', async () => {
    expect(await store.search({ service: 'no-such-service' })).toEqual([]);
    expect(await store.search({ service: 'no-such-service', error: true })).toEqual([]);
    expect(await store.search({ attributes: { 'app.tenant': 'nobody' } })).toEqual([]);
  });

  it('refuses TraceQL, which is Tempo’s, exit 2', async () => {
    const promise = store.search({ traceql: '{ status = error }' });
    await expect(promise).rejects.toBeInstanceOf(TraceQueryError);
    await expect(promise).rejects.toThrow(/^Jaeger does not take TraceQL/);
    await expect(promise).rejects.toMatchObject({ exitCode: 2 });
  });

  it('a search that cannot match is refused before asking, exit 2', async () => {
    const promise = store.search({ minDurationMs: 2000, maxDurationMs: 1000 });
    await expect(promise).rejects.toThrow(
      'the minimum duration (2000 ms) is above the maximum (1000 ms): no span can match',
    );
    await expect(promise).rejects.toMatchObject({ exitCode: 2 });
    await expect(
      store.search({ start: new Date(), end: new Date(Date.now() - 1000) }),
    ).rejects.toThrow(/^the search window ends .* before it starts/);
  });
});

describe('choosing the store', () => {
  it('detects Jaeger from its answers', async () => {
    expect(await detectBackend(jaeger.url)).toBe('jaeger');
    const detected = await connectTraceStore(`${jaeger.url}/`);
    expect(detected.backend).toBe('jaeger');
    expect(detected.url).toBe(jaeger.url);
    expect(await detected.fetchTrace(idOf(slow))).toHaveLength(6);
  });

  it('something else answering is a one-line error, not a guess', async () => {
    // Jaeger's health check answers HTTP, but is no query API.
    const health = jaeger.healthUrl.replace(/\/status$/, '');
    const promise = detectBackend(health);
    await expect(promise).rejects.toBeInstanceOf(CliError);
    await expect(promise).rejects.toThrow(
      `${health} answers, but neither as Jaeger (GET /api/v3/services) nor as Tempo (GET /api/echo)`,
    );
  });

  it('nothing answering is UnreachableError pointing at the local stack', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const promise = connectTraceStore(url);
    await expect(promise).rejects.toBeInstanceOf(UnreachableError);
    await expect(promise).rejects.toThrow(
      `cannot reach the trace store at ${url} (connection refused): is the local stack running? \`make local\``,
    );
    await expect(traceStore(url, 'jaeger').fetchTrace(idOf(slow))).rejects.toThrow(
      `cannot reach Jaeger at ${url} (connection refused)`,
    );
  });

  it('an unknown backend is refused, exit 2', () => {
    expect(() => traceStore(jaeger.url, 'zipkin' as 'jaeger')).toThrow(
      "the trace store backend is jaeger or tempo, not 'zipkin'",
    );
  });
});
