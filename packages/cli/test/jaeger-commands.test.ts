import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Span } from '@tracing-demo/otlp';
import { freePort, type JaegerProcess } from '@tracing-demo/platform';
import { type SyntheticSpan, syntheticTrace } from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli.js';
import { type TraceStore, traceStore } from '../src/stores/index.js';
import { ORDER_SERVICES, waitForTrace } from '../src/verify/poll.js';
import { captureIo } from './support/io.js';
import { idOf, jaegerHolding } from './support/jaeger.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'tracing-demo.js');

/** The installed command, as a user runs it (not a terminal: no colors, 100 columns). */
async function tracingDemo(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function cli(args: string[], env: Record<string, string> = {}) {
  const { io, captured } = captureIo(env);
  const code = await run(args, io);
  return { code, ...captured };
}

let jaeger: JaegerProcess;
let store: TraceStore;
/** A six-span order whose payment failed, its route and tenant on every span. */
const failing = syntheticTrace({
  error: true,
  attributes: { 'http.route': '/api/orders', 'app.tenant': 'acme' },
});
/** A slow order of another tenant. */
const slow = syntheticTrace({ durationMs: 1500, attributes: { 'app.tenant': 'globex' } });
/** An order trace missing order-service's SERVER span: its child is an orphan. */
const broken = syntheticTrace({}).filter((s) => s.name !== 'POST /orders');
/** The edge and the order, but payment-service never reported. */
const partial = syntheticTrace({}).filter((s) => s.service !== 'payment-service');

beforeAll(async () => {
  ({ jaeger, store } = await jaegerHolding([failing, slow, broken, partial]));
});
afterAll(async () => {
  await jaeger?.stop();
});

describe('tracing-demo trace', () => {
  it('prints the tree: parents, services, kinds, bars, durations, the error', async () => {
    const { code, stdout, stderr } = await tracingDemo([
      'trace',
      idOf(failing),
      '--traces-url',
      jaeger.url,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`trace ${idOf(failing)} · 6 spans · 3 services · 50.0 ms · 1 error`);
    const tree = lines.slice(2).filter((l) => !l.includes('↳'));
    expect(tree.map((l) => l.split('│')[0]?.trimEnd())).toEqual([
      'api-gateway: POST /api/orders [SERVER]',
      '└─ api-gateway: POST [CLIENT]',
      '   └─ order-service: POST /orders [SERVER]',
      '      └─ order-service: POST [CLIENT]',
      '         └─ payment-service: POST /charges [SERVER]',
      '            └─ payment-service: chargePayment [INTERNAL]',
    ]);
    for (const line of tree) {
      expect(line).toMatch(/│ *[█▏▎▍▌▋▊▉]+ *│ +\d+\.\d ms/);
      expect([...line].length).toBeLessThanOrEqual(100);
    }
    expect(tree.at(-1)).toMatch(/40\.0 ms ✗ ERROR$/);
    expect(lines.at(-1)).toMatch(/^ +↳ synthetic failure$/);
    expect(stdout).not.toContain('\u001b[');
  });

  it('finds the store from TRACES_URL and TRACES_BACKEND as well as from flags', async () => {
    const { code, stdout } = await tracingDemo(['trace', idOf(failing)], {
      TRACES_URL: jaeger.url,
      TRACES_BACKEND: 'jaeger',
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^trace ${idOf(failing)} · 6 spans`));
  });

  it('shows spans whose parent is missing at the top, marked', async () => {
    const { code, stdout } = await tracingDemo(['trace', idOf(broken), '--traces-url', jaeger.url]);
    expect(code).toBe(0);
    const orphan = broken.find((s) => s.name === 'POST' && s.service === 'order-service');
    expect(stdout).toMatch(/^⚠ order-service: POST \[CLIENT\]/m);
    expect(stdout).toContain(`↳ orphan: parent span ${orphan?.parentSpanId} is not in this trace`);
    expect(stdout).toMatch(/^└─ payment-service: POST \/charges \[SERVER\]/m);
  });

  it('--json gives the normalized spans, as the store reads them', async () => {
    const { code, out } = await cli(['trace', idOf(failing), '--traces-url', jaeger.url, '--json']);
    expect(code).toBe(0);
    const spans = JSON.parse(out) as Span[];
    expect(spans.length).toBe(failing.length);
    // Jaeger lists a trace's spans in no fixed order from one answer to the next.
    const bySpanId = (list: Span[]) => [...list].sort((a, b) => a.spanId.localeCompare(b.spanId));
    const stored = JSON.parse(JSON.stringify(await store.fetchTrace(idOf(failing)))) as Span[];
    expect(bySpanId(spans)).toEqual(bySpanId(stored));
  });

  it('an unknown trace: exit 1 saying so in one line', async () => {
    const { code, stdout, stderr } = await tracingDemo([
      'trace',
      '0123456789abcdef0123456789abcdef',
      '--traces-url',
      jaeger.url,
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      new RegExp(
        `^tracing-demo trace: trace 0123456789abcdef0123456789abcdef not found in Jaeger at ${jaeger.url} \\([^\\n]+\\)\\n$`,
      ),
    );
  });

  it('a malformed trace id: exit 2 in one line, before asking any store', async () => {
    const { code, stdout, stderr } = await tracingDemo(['trace', 'order-42'], {
      TRACES_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      "tracing-demo trace: not a trace id: 'order-42' (expected up to 32 hex digits)\n",
    );
  });

  it('an unknown backend: exit 2 naming the culprit, with the usage', async () => {
    const flag = await tracingDemo(['trace', idOf(failing), '--traces-backend', 'zipkin']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(
      /^tracing-demo trace: --traces-backend wants jaeger or tempo, not 'zipkin'\n\nUsage: tracing-demo trace/,
    );
    const env = await tracingDemo(['trace', idOf(failing)], { TRACES_BACKEND: 'elastic' });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(
      /^tracing-demo trace: TRACES_BACKEND wants jaeger or tempo, not 'elastic'\n/,
    );
  });

  it('the store down: exit 1 pointing at the local stack, with or without the backend', async () => {
    const port = await freePort();
    const detect = await tracingDemo(['trace', idOf(failing)], {
      TRACES_URL: `http://127.0.0.1:${port}`,
    });
    expect(detect.code).toBe(1);
    expect(detect.stderr).toBe(
      `tracing-demo trace: cannot reach the trace store at http://127.0.0.1:${port} (connection refused): is the local stack running? \`make local\`\n`,
    );
    const named = await tracingDemo([
      'trace',
      idOf(failing),
      '--traces-backend',
      'jaeger',
      '--traces-url',
      `http://127.0.0.1:${port}`,
    ]);
    expect(named.code).toBe(1);
    expect(named.stderr).toBe(
      `tracing-demo trace: cannot reach Jaeger at http://127.0.0.1:${port} (connection refused): is the local stack running? \`make local\`\n`,
    );
  });

  it('something that is no trace store: exit 1 saying what it is not', async () => {
    const health = jaeger.healthUrl.replace(/\/status$/, '');
    const { code, stderr } = await tracingDemo(['trace', idOf(failing), '--traces-url', health]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `tracing-demo trace: ${health} answers, but neither as Jaeger (GET /api/v3/services) nor as Tempo (GET /api/echo): is it the trace store's query API? (--traces-backend jaeger|tempo skips this check)\n`,
    );
  });
});

const TABLE_HEADER = /^TRACE ID +SERVICE +ROOT SPAN +START +DURATION +SPANS +ERRORS$/;
const row = (trace: SyntheticSpan[], duration: string, errors: number) =>
  new RegExp(
    `^${idOf(trace)} +api-gateway +POST /api/orders +[0-9: -]+ +${duration} +${trace.length} +${errors}$`,
    'm',
  );

describe('tracing-demo search', () => {
  it('with no filter lists the last hour newest first, each trace once', async () => {
    const { code, out, err } = await cli(['search', '--traces-url', jaeger.url]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const [header, ...rows] = out.trimEnd().split('\n');
    expect(header).toMatch(TABLE_HEADER);
    expect(rows.at(-1)).toBe('4 traces in the last 1h · tracing-demo trace <id> shows one');
    const listed = rows.slice(0, -1).map((r) => r.split(' ')[0]);
    expect(listed.sort()).toEqual([failing, slow, broken, partial].map(idOf).sort());
    expect(out).toMatch(row(failing, '50\\.0 ms', 1));
  });

  it('--error finds the failed trace (through the legacy API)', async () => {
    const { code, out } = await cli([
      'search',
      '--error',
      '--since',
      '15m',
      '--traces-url',
      jaeger.url,
    ]);
    expect(code).toBe(0);
    const [header, first, ...rest] = out.trimEnd().split('\n');
    expect(header).toMatch(TABLE_HEADER);
    expect(first).toMatch(row(failing, '50\\.0 ms', 1));
    expect(rest).toEqual(['1 trace in the last 15m · tracing-demo trace <id> shows one']);
  });

  it('--service with --min-duration, and --operation, narrow it down', async () => {
    const slowOnes = await cli([
      'search',
      '--service',
      'api-gateway',
      '--min-duration',
      '1s',
      '--traces-url',
      jaeger.url,
    ]);
    expect(slowOnes.out.split('\n')[1]).toMatch(row(slow, '1500 ms', 0));
    expect(slowOnes.out).toContain('1 trace in the last 1h');
    const charges = await cli([
      'search',
      '--service',
      'payment-service',
      '--operation',
      'chargePayment',
      '--max-duration',
      '100ms',
      '--traces-url',
      jaeger.url,
    ]);
    expect(charges.code).toBe(0);
    // broken still has payment-service's spans; partial has none.
    expect(charges.out).toContain('2 traces in the last 1h');
    expect(charges.out).toContain(idOf(failing));
    expect(charges.out).toContain(idOf(broken));
  });

  it('--attr, repeated, matches spans with every attribute', async () => {
    const { code, out } = await cli([
      'search',
      '--attr',
      'app.tenant=acme',
      '--attr',
      'http.route=/api/orders',
      '--traces-url',
      jaeger.url,
    ]);
    expect(code).toBe(0);
    expect(out.split('\n')[1]).toMatch(row(failing, '50\\.0 ms', 1));
    expect(out).toContain('1 trace in the last 1h');
  });

  it('--limit keeps the newest, and says there may be more', async () => {
    const { out } = await cli(['search', '--limit', '1', '--traces-url', jaeger.url]);
    expect(out).toContain('1 trace in the last 1h (the limit: --limit for more)');
  });

  it('a window by --start and --end: none of these traces started then, exit 1', async () => {
    const start = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const end = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const { code, out, err } = await cli([
      'search',
      '--start',
      start,
      '--end',
      end,
      '--traces-url',
      jaeger.url,
    ]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(
      /^tracing-demo search: no traces between \d{4}-\d\d-\d\d \d\d:\d\d:\d\d and /,
    );
  });

  it('nothing found: one line, exit 1', async () => {
    const { code, stdout, stderr } = await tracingDemo([
      'search',
      '--service',
      'payment-service',
      '--attr',
      'app.tenant=nobody',
      '--traces-url',
      jaeger.url,
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `tracing-demo search: no traces matched service=payment-service, app.tenant=nobody in the last 1h (Jaeger at ${jaeger.url})\n`,
    );
  });

  it('TraceQL against Jaeger: exit 2 saying what to use instead', async () => {
    const { code, stdout, stderr } = await tracingDemo([
      'search',
      '--traceql',
      '{ status = error }',
      '--traces-url',
      jaeger.url,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'tracing-demo search: Jaeger does not take TraceQL (that is Tempo): search with --service, --operation, --error, --min-duration, --max-duration and --attr instead\n',
    );
  });

  it('the store down: exit 1 in one line', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await tracingDemo(['search', '--error'], {
      TRACES_URL: `http://127.0.0.1:${port}`,
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `tracing-demo search: cannot reach the trace store at http://127.0.0.1:${port} (connection refused): is the local stack running? \`make local\`\n`,
    );
  });
});

describe('waiting for a trace in Jaeger (verify step 4)', () => {
  it('returns as soon as every service has a span', async () => {
    const spans = await waitForTrace({
      store,
      traceId: idOf(failing),
      services: ORDER_SERVICES,
      timeoutMs: 5_000,
    });
    expect(spans).toHaveLength(6);
  });

  it('gives up at the deadline naming the services that never showed up', async () => {
    const progress: string[] = [];
    await expect(
      waitForTrace({
        store,
        traceId: idOf(partial),
        services: ORDER_SERVICES,
        timeoutMs: 1_500,
        intervalMs: 200,
        onProgress: (message) => progress.push(message),
      }),
    ).rejects.toThrow(
      `trace ${idOf(partial)} incomplete after 1.5 s: 4 spans from api-gateway, order-service; no span from payment-service yet`,
    );
    expect(progress[0]).toMatch(
      /^0\.\d s: 4 spans from api-gateway, order-service; no span from payment-service yet$/,
    );
  });

  it('says so when the trace never arrived at all, and waits through Jaeger being unreachable', async () => {
    await expect(
      waitForTrace({
        store,
        traceId: 'ab'.repeat(16),
        services: ORDER_SERVICES,
        timeoutMs: 1_000,
        intervalMs: 200,
      }),
    ).rejects.toThrow(
      /incomplete after 1\.0 s: not in Jaeger yet \(was it exported to the collector and kept by tail sampling\?\)$/,
    );
    const port = await freePort();
    await expect(
      waitForTrace({
        store: traceStore(`http://127.0.0.1:${port}`, 'jaeger'),
        traceId: idOf(failing),
        services: ORDER_SERVICES,
        timeoutMs: 600,
        intervalMs: 200,
      }),
    ).rejects.toThrow(/incomplete after 0\.6 s: cannot reach Jaeger at .* \(connection refused\)/);
  });
});
