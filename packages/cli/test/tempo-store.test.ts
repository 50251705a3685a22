import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { freePort } from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli.js';
import {
  connectTraceStore,
  detectBackend,
  TraceNotFoundError,
  TraceQueryError,
  type TraceStore,
  traceqlFor,
  traceStore,
} from '../src/stores/index.js';
import { captureIo } from './support/io.js';

// Tempo cannot run here: its client is tested against representative responses
// (test/fixtures/tempo/README.md says where each shape comes from).
const FIXTURES = join(import.meta.dirname, 'fixtures', 'tempo');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const BAD_QUERY = '{ status = }';

let server: Server;
let url: string;
let store: TraceStore;
/** The searches Tempo was asked, as their query parameters. */
const searches: URLSearchParams[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const target = new URL(request.url ?? '/', 'http://tempo');
    const send = (status: number, body: string, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    const path = target.pathname;
    if (path === '/api/echo') return send(200, 'echo', 'text/plain');
    if (path === '/ready') return send(200, 'ready', 'text/plain');
    if (path === '/metrics') return send(200, fixture('metrics.txt'), 'text/plain');
    if (path === `/api/traces/${TRACE_ID}`) return send(200, fixture('trace-by-id.json'));
    if (path.startsWith('/api/traces/')) return send(404, 'trace not found', 'text/plain');
    if (path === '/api/v2/search/tag/resource.service.name/values')
      return send(200, fixture('tag-values-service-name.json'));
    if (path === '/api/search') {
      searches.push(target.searchParams);
      const q = target.searchParams.get('q') ?? '';
      if (q === BAD_QUERY) return send(400, fixture('search-bad-query.txt'), 'text/plain');
      if (q.includes('no-such-service')) return send(200, fixture('search-empty.json'));
      return send(200, fixture('search.json'));
    }
    send(404, '404 page not found\n', 'text/plain');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  store = traceStore(url, 'tempo');
});
afterAll(() => {
  server?.close();
});

describe('the Tempo store (representative responses)', () => {
  it('is detected: no Jaeger API, but /api/echo echoes', async () => {
    expect(await detectBackend(url)).toBe('tempo');
    expect((await connectTraceStore(url)).backend).toBe('tempo');
  });

  it('reads a trace by id: base64 ids as hex, enum names, typed attributes', async () => {
    const spans = await store.fetchTrace(TRACE_ID.toUpperCase());
    expect(spans).toHaveLength(6);
    const root = spans.find((s) => s.parentSpanId === undefined);
    expect(root).toMatchObject({
      traceId: TRACE_ID,
      spanId: '7a085853722dc6d2',
      service: 'api-gateway',
      name: 'POST /api/orders',
      kind: 'SERVER',
      durationMs: 26.1,
      status: { code: 'ERROR' },
      attributes: { 'http.route': '/api/orders', 'http.response.status_code': 502 },
    });
    expect(spans.find((s) => s.name === 'chargePayment')).toMatchObject({
      parentSpanId: '9e8d7c6b5a493827',
      service: 'payment-service',
      kind: 'INTERNAL',
      status: { code: 'ERROR', message: 'payment processor unavailable (injected fault)' },
      attributes: { 'payment.method': 'card', 'payment.amount': 4.5 },
      resource: { 'service.name': 'payment-service', 'telemetry.sdk.language': 'nodejs' },
    });
  });

  it('an unknown trace is TraceNotFoundError naming Tempo', async () => {
    const promise = store.fetchTrace('0123456789abcdef');
    await expect(promise).rejects.toBeInstanceOf(TraceNotFoundError);
    await expect(promise).rejects.toThrow(
      `trace 00000000000000000123456789abcdef not found in Tempo at ${url} (`,
    );
  });

  it('searches with the filters as one TraceQL spanset, over the window, up to the limit', async () => {
    searches.length = 0;
    const start = new Date('2026-12-07T10:00:00.400Z');
    const end = new Date('2026-12-07T11:00:00.600Z');
    await store.search({
      service: 'payment-service',
      error: true,
      minDurationMs: 250,
      attributes: { 'app.tenant': 'acme' },
      start,
      end,
      limit: 5,
    });
    expect(Object.fromEntries(searches[0] ?? [])).toEqual({
      q: '{ resource.service.name = "payment-service" && status = error && duration >= 250ms && .app.tenant = "acme" }',
      limit: '5',
      start: String(Math.floor(start.getTime() / 1000)),
      end: String(Math.ceil(end.getTime() / 1000)),
    });
  });

  it("summarizes Tempo's results: padded ids, a missing root, counts from serviceStats, newest first", async () => {
    const found = await store.search({ traceql: '{ status = error }' });
    expect(found).toEqual([
      {
        traceId: '0d74417d6caa5533f92c3a91e8651e9b',
        rootService: '',
        rootName: '',
        startMs: 1796605690012,
        durationMs: 9,
        spanCount: 5,
        errorCount: 1,
      },
      {
        traceId: TRACE_ID,
        rootService: 'api-gateway',
        rootName: 'POST /api/orders',
        startMs: 1796605688976,
        durationMs: 26,
        spanCount: 6,
        errorCount: 6,
      },
      {
        traceId: 'e24c10246eb2ea7b1c9f3320a0b795a5',
        rootService: 'loadgen',
        rootName: 'loadgen placeOrder',
        startMs: 1796605652300,
        durationMs: 20,
        spanCount: undefined,
        errorCount: undefined,
      },
    ]);
    expect(await store.search({ traceql: '{}', limit: 2 })).toHaveLength(2);
  });

  it('nothing found (200 with no traces) is no traces', async () => {
    expect(await store.search({ service: 'no-such-service' })).toEqual([]);
  });

  it('a query Tempo rejects is its message, exit 2', async () => {
    const promise = store.search({ traceql: BAD_QUERY });
    await expect(promise).rejects.toBeInstanceOf(TraceQueryError);
    await expect(promise).rejects.toThrow(
      'Tempo rejected the search: invalid TraceQL query: parse error at line 1, col 12: syntax error: unexpected }',
    );
    await expect(promise).rejects.toMatchObject({ exitCode: 2 });
  });

  it('TraceQL replaces the filters: both at once is refused before asking', async () => {
    searches.length = 0;
    await expect(store.search({ traceql: '{}', service: 'x', error: true })).rejects.toThrow(
      'a TraceQL query says everything itself: put --service, --error into it instead',
    );
    expect(searches).toEqual([]);
  });

  it("lists services from resource.service.name's tag values, sorted", async () => {
    expect(await store.services()).toEqual([
      'api-gateway',
      'loadgen',
      'order-service',
      'payment-service',
    ]);
  });
});

describe('TraceQL from neutral filters', () => {
  it('no filter is every trace', () => {
    expect(traceqlFor({})).toBe('{}');
  });

  it('quotes names and values, and keeps odd attribute keys in quotes', () => {
    expect(
      traceqlFor({
        service: 'order-service',
        operation: 'POST /orders "v2"',
        attributes: { 'http.route': '/api/orders', 'odd key': 'a\\b' },
      }),
    ).toBe(
      '{ resource.service.name = "order-service" && name = "POST /orders \\"v2\\"" && ' +
        '.http.route = "/api/orders" && ."odd key" = "a\\\\b" }',
    );
  });

  it('a value that reads as a number or boolean also matches that type', () => {
    expect(
      traceqlFor({ attributes: { 'http.response.status_code': '502', sampled: 'true' } }),
    ).toBe(
      '{ (.http.response.status_code = "502" || .http.response.status_code = 502) && ' +
        '(.sampled = "true" || .sampled = true) }',
    );
  });

  it('durations in milliseconds, finer ones in microseconds', () => {
    expect(traceqlFor({ minDurationMs: 1000, maxDurationMs: 1.5 })).toBe(
      '{ duration >= 1000ms && duration <= 1500us }',
    );
  });
});

describe('the commands against Tempo (representative responses)', () => {
  const cli = async (args: string[], env: Record<string, string> = {}) => {
    const { io, captured } = captureIo({ TRACES_URL: url, ...env });
    const code = await run(args, io);
    return { code, ...captured };
  };

  it('trace: detects Tempo and prints the tree', async () => {
    const { code, out, err } = await cli(['trace', TRACE_ID]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe(`trace ${TRACE_ID} · 6 spans · 3 services · 26.1 ms · 6 errors`);
    expect(out).toMatch(/^└─ api-gateway: POST \[CLIENT\]/m);
    expect(out).toMatch(
      /^ +└─ payment-service: chargePayment \[INTERNAL\] +│.*│ +0\.38 ms ✗ ERROR$/m,
    );
  });

  it('search --traceql lists what Tempo found', async () => {
    const { code, out } = await cli([
      'search',
      '--traceql',
      '{ status = error }',
      '--width',
      '120',
    ]);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TRACE ID +SERVICE +ROOT SPAN +START +DURATION +SPANS +ERRORS$/);
    expect(lines[1]).toMatch(/^0d74417d6caa5533f92c3a91e8651e9b +<root not yet received> +\S/);
    expect(lines[2]).toMatch(
      new RegExp(`^${TRACE_ID} +api-gateway +POST /api/orders .* 26\\.0 ms +6 +6$`),
    );
    expect(lines[3]).toMatch(
      /^e24c10246eb2ea7b1c9f3320a0b795a5 +loadgen +loadgen placeOrder .* 20\.0 ms$/,
    );
    expect(lines[4]).toBe('3 traces in the last 1h · tracing-demo trace <id> shows one');
  });

  it('search with filters sends them as TraceQL; nothing found is one line, exit 1', async () => {
    searches.length = 0;
    const { code, out, err } = await cli([
      'search',
      '--service',
      'no-such-service',
      '--operation',
      'POST /orders',
      '--traces-backend',
      'tempo',
    ]);
    expect(searches[0]?.get('q')).toBe(
      '{ resource.service.name = "no-such-service" && name = "POST /orders" }',
    );
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(
      `tracing-demo search: no traces matched service=no-such-service, operation=POST /orders in the last 1h (Tempo at ${url})\n`,
    );
  });

  it('search with a query Tempo rejects: its words, exit 2', async () => {
    const { code, err } = await cli(['search', '--traceql', BAD_QUERY]);
    expect(code).toBe(2);
    expect(err).toBe(
      'tracing-demo search: Tempo rejected the search: invalid TraceQL query: parse error at line 1, col 12: syntax error: unexpected }\n',
    );
  });

  it('status: the Tempo row, its metrics beside its API, discarded spans as a warning', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const { code, out } = await cli([
      'status',
      '--collector-health',
      `${down}/`,
      '--prometheus',
      down,
    ]);
    // The collector and Prometheus are not there: only Tempo's row is the point.
    expect(code).toBe(1);
    expect(out).toMatch(/^tempo +✓ up +ready · spans received 482, discarded 2$/m);
    expect(out).toContain('⚠ Tempo discarded 2 spans (tempo_discarded_spans_total)');
  });
});
