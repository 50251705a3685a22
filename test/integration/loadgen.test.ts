import { join } from 'node:path';
import { renderTree, SpanKind, StatusCode } from '@tracing-demo/otlp';
import {
  freePort,
  type ServiceProcess,
  startServiceProcess,
  waitFor,
} from '@tracing-demo/platform';
import type { CollectedSpan } from '@tracing-demo/testkit';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Report } from '../../services/loadgen/src/schemas/report.js';
import { PLANTED, type Stack, SYNTHETIC_TOKEN, startStack } from './stack.js';

const RATE = 10;
const DURATION_SECONDS = 5;

let stack: Stack;
let loadgen: ServiceProcess | undefined;

beforeAll(async () => {
  stack = await startStack(inject('postgresAdminUrl'), 'integration_loadgen');
});
afterAll(async () => {
  await loadgen?.stop();
  await stack?.stop();
});

/** The one line loadgen prints when a run ends. */
function finalReport(output: string): Report | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{"kind":"loadgen.report"')) continue;
    return JSON.parse(line) as Report;
  }
  return undefined;
}

const gatewayServerSpans = () =>
  stack.sink.spans.filter((s) => s.service === 'api-gateway' && s.kind === SpanKind.SERVER);
const loadgenRootSpans = () =>
  stack.sink.spans.filter((s) => s.service === 'loadgen' && s.name.startsWith('loadgen '));

it('a timed run: the report matches the database and the spans, and every trace starts at loadgen', async () => {
  loadgen = await startServiceProcess({
    name: 'loadgen',
    directory: join(import.meta.dirname, '..', '..', 'services', 'loadgen'),
    port: await freePort(),
    env: {
      GATEWAY_URL: stack.gateway.url,
      LOADGEN_RATE: String(RATE),
      LOADGEN_DURATION_SECONDS: String(DURATION_SECONDS),
      LOADGEN_USERS: `${PLANTED.email}:${PLANTED.password},bob@example.com:bob-password`,
      // Enough declines to see them in the report and the spans.
      LOADGEN_DECLINE_FRACTION: '0.25',
      LOADGEN_PROGRESS_SECONDS: '2',
      // A trusted caller: the gateway continues loadgen's traces and marks them synthetic.
      SYNTHETIC_TOKEN,
      OTEL_EXPORTER_OTLP_ENDPOINT: stack.sink.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'info',
    },
  });
  const running = loadgen;
  const report = await waitFor('the final report line', () => finalReport(running.output()), {
    timeoutMs: 60_000,
  });
  console.log(`loadgen report: ${JSON.stringify(report)}`);

  // What was scheduled is exact whatever the machine's speed; the rest is counted, not assumed.
  expect(report.state).toBe('finished');
  expect(report.ticks.scheduled).toBe(RATE * DURATION_SECONDS);
  expect(report.ticks.started + report.ticks.shed).toBe(RATE * DURATION_SECONDS);
  expect(report.operations.login).toMatchObject({ sent: 2, ok: 2 });
  expect(report.operations.place.sent).toBeGreaterThan(0);
  expect(report.totals.serverErrors + report.totals.networkErrors).toBe(0);
  expect(running.output()).toContain('"msg":"loadgen progress"');

  // Every request loadgen sent is one gateway SERVER span, under one loadgen root span.
  const servers = await waitFor(
    'a gateway SERVER span and a loadgen span for every request sent',
    () => {
      const found = gatewayServerSpans();
      return found.length >= report.totals.sent && loadgenRootSpans().length >= report.totals.sent
        ? found
        : undefined;
    },
    { timeoutMs: 30_000 },
  );
  // A timed run ends by itself: report, spans flushed, exit 0 (stop() sends no signal then).
  await waitFor('loadgen to flush its spans', () =>
    running.output().includes('"msg":"telemetry shut down, exiting"'),
  );
  expect(await running.stop()).toBe(0);

  expect(servers).toHaveLength(report.totals.sent);
  expect(loadgenRootSpans()).toHaveLength(report.totals.sent);
  const route = (path: string, method: string) =>
    servers.filter(
      (s) => s.attributes['http.route'] === path && s.attributes['http.request.method'] === method,
    );
  const placed = route('/api/orders', 'POST');
  expect(placed).toHaveLength(report.operations.place.sent);
  expect(route('/api/orders', 'GET')).toHaveLength(report.operations.list.sent);
  expect(route('/api/orders/:id', 'GET')).toHaveLength(report.operations.get.sent);
  expect(route('/api/auth/login', 'POST')).toHaveLength(report.operations.login.sent);
  const placedWith = (status: number) =>
    placed.filter((s) => s.attributes['http.response.status_code'] === status).length;
  expect(placedWith(201)).toBe(report.ordersCreated);
  expect(placedWith(402)).toBe(report.operations.place.statuses['402'] ?? 0);

  // Traces begin at the client: gateway SERVER ← loadgen's fetch CLIENT ← loadgen's root span.
  const byId = new Map(stack.sink.spans.map((s) => [s.spanId, s]));
  for (const server of servers) {
    expect(server.attributes['app.synthetic']).toBe(true);
    const trace = stack.sink.trace(server.traceId);
    const client = server.parentSpanId ? byId.get(server.parentSpanId) : undefined;
    expect(client?.service, renderTree(trace)).toBe('loadgen');
    expect(client?.kind, renderTree(trace)).toBe(SpanKind.CLIENT);
    const root = client?.parentSpanId ? byId.get(client.parentSpanId) : undefined;
    expect(root?.service, renderTree(trace)).toBe('loadgen');
    expect(root?.name, renderTree(trace)).toMatch(
      /^loadgen (login|placeOrder|listOrders|getOrder)$/,
    );
    expect(root?.parentSpanId, renderTree(trace)).toBeUndefined();
    expect(root?.attributes['loadgen.operation']).toBeTypeOf('string');
    expect(root?.status.code).not.toBe(StatusCode.ERROR);
  }
  const example = placed[0] as CollectedSpan;
  console.log(`a loadgen order trace:\n${renderTree(stack.sink.trace(example.traceId))}`);

  // Orders created in the report are the rows order-service stored.
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM orders');
    expect(Number(rows[0]?.n)).toBe(report.ordersCreated);
  } finally {
    await db.end();
  }
});
