import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  freePort,
  type SyntheticSpan,
  sendSpans,
  startTempo,
  syntheticTrace,
  type TempoProcess,
  waitFor,
} from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli.js';
import type { Span } from '../src/span.js';
import { fetchTrace } from '../src/tempo.js';
import { ORDER_SERVICES, waitForTrace } from '../src/verify/poll.js';
import { captureIo } from './support/io.js';

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

async function cli(args: string[]) {
  const { io, captured } = captureIo();
  const code = await run(args, io);
  return { code, ...captured };
}

let tempo: TempoProcess;
/** A six-span order whose payment failed, its route on the root. */
const failing = syntheticTrace({ error: true, attributes: { 'http.route': '/api/orders' } });
/** An order trace missing order-service's SERVER span: its child is an orphan. */
const broken = syntheticTrace({}).filter((s) => s.name !== 'POST /orders');
/** The edge and the order, but payment-service never reported. */
const partial = syntheticTrace({}).filter((s) => s.service !== 'payment-service');

const idOf = (trace: SyntheticSpan[]) => trace[0]?.traceId as string;

beforeAll(async () => {
  tempo = await startTempo({ TEMPO_TRACE_IDLE_PERIOD: '1s' });
  expect(await sendSpans(tempo.otlpHttpUrl, [...failing, ...broken, ...partial])).toBe(200);
  for (const trace of [failing, broken, partial])
    await waitFor(
      'the trace by id',
      async () => (await fetchTrace(tempo.url, idOf(trace))).length === trace.length,
    );
});
afterAll(async () => {
  await tempo?.stop();
});

describe('tracing-demo trace', () => {
  it('prints the tree: parents, services, kinds, bars, durations, the error', async () => {
    const { code, stdout, stderr } = await tracingDemo([
      'trace',
      idOf(failing),
      '--tempo',
      tempo.url,
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

  it('shows spans whose parent is missing at the top, marked', async () => {
    const { code, stdout } = await tracingDemo(['trace', idOf(broken), '--tempo', tempo.url]);
    expect(code).toBe(0);
    const orphan = broken.find((s) => s.name === 'POST' && s.service === 'order-service');
    expect(stdout).toMatch(/^⚠ order-service: POST \[CLIENT\]/m);
    expect(stdout).toContain(`↳ orphan: parent span ${orphan?.parentSpanId} is not in this trace`);
    expect(stdout).toMatch(/^└─ payment-service: POST \/charges \[SERVER\]/m);
  });

  it('--json gives the normalized spans: hex ids and links as they were sent', async () => {
    const { code, out } = await cli(['trace', idOf(failing), '--tempo', tempo.url, '--json']);
    expect(code).toBe(0);
    const spans = JSON.parse(out) as Span[];
    const sent = (s: { spanId: string; parentSpanId?: string; service: string; name: string }) =>
      [s.spanId, s.parentSpanId ?? null, s.service, s.name].join(' ');
    expect(spans.map(sent).sort()).toEqual(failing.map(sent).sort());
    const charge = spans.find((s) => s.name === 'chargePayment');
    expect(charge).toMatchObject({
      traceId: idOf(failing),
      kind: 'INTERNAL',
      durationMs: 40,
      status: { code: 'ERROR', message: 'synthetic failure' },
      attributes: { 'http.route': '/api/orders' },
    });
  });

  it('an unknown trace: exit 1 saying so', async () => {
    const { code, stdout, stderr } = await tracingDemo([
      'trace',
      '0123456789abcdef0123456789abcdef',
      '--tempo',
      tempo.url,
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      new RegExp(
        `^tracing-demo trace: trace 0123456789abcdef0123456789abcdef not found in Tempo at ${tempo.url} \\(`,
      ),
    );
  });

  it('Tempo unreachable: exit 1 pointing at the local stack', async () => {
    const port = await freePort();
    const { code, stderr } = await tracingDemo(['trace', idOf(failing)], {
      TEMPO_URL: `http://127.0.0.1:${port}`,
    });
    expect(code).toBe(1);
    expect(stderr).toBe(
      `tracing-demo trace: cannot reach Tempo at http://127.0.0.1:${port} (connection refused): is the local stack running? \`make local\`\n`,
    );
  });
});

describe('tracing-demo search', () => {
  it('finds the failing trace with TraceQL and lists it', async () => {
    const listed = await waitFor('the error trace to be searchable', async () => {
      const result = await cli([
        'search',
        '{ status = error }',
        '--tempo',
        tempo.url,
        '--since',
        '15m',
      ]);
      return result.code === 0 && result.out.includes(idOf(failing)) ? result : undefined;
    });
    const [header, row, ...rest] = listed.out.trimEnd().split('\n');
    expect(header).toMatch(/^TRACE ID +SERVICE +ROOT SPAN +START +DURATION +SPANS +ERRORS$/);
    expect(row).toMatch(
      new RegExp(`^${idOf(failing)} +api-gateway +POST /api/orders +[0-9: -]+ +50\\.0 ms +6 +1$`),
    );
    expect(rest).toEqual(['1 trace in the last 15m · tracing-demo trace <id> shows one']);
    expect(listed.out).not.toContain(idOf(broken));
  });

  it('a query Tempo rejects: its message, exit 2', async () => {
    const { code, stdout, stderr } = await tracingDemo([
      'search',
      '{ status = }',
      '--tempo',
      tempo.url,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^tracing-demo search: Tempo rejected the search: invalid TraceQL query: parse error at line 1, col 12: syntax error: unexpected }\n$/,
    );
  });

  it('nothing found is an answer, not an error', async () => {
    const { code, out } = await cli([
      'search',
      '{ resource.service.name = "no-such-service" }',
      '--tempo',
      tempo.url,
    ]);
    expect(code).toBe(0);
    expect(out).toBe(
      'no traces matched { resource.service.name = "no-such-service" } in the last 1h\n',
    );
  });
});

describe('waiting for a trace in Tempo (verify step 4)', () => {
  it('returns as soon as every service has a span', async () => {
    const spans = await waitForTrace({
      tempoUrl: tempo.url,
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
        tempoUrl: tempo.url,
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

  it('says so when the trace never arrived at all, and waits through Tempo being unreachable', async () => {
    await expect(
      waitForTrace({
        tempoUrl: tempo.url,
        traceId: 'ab'.repeat(16),
        services: ORDER_SERVICES,
        timeoutMs: 1_000,
        intervalMs: 200,
      }),
    ).rejects.toThrow(
      /incomplete after 1\.0 s: not in Tempo yet \(was it exported to the collector and kept by tail sampling\?\)$/,
    );
    const port = await freePort();
    await expect(
      waitForTrace({
        tempoUrl: `http://127.0.0.1:${port}`,
        traceId: idOf(failing),
        services: ORDER_SERVICES,
        timeoutMs: 600,
        intervalMs: 200,
      }),
    ).rejects.toThrow(/incomplete after 0\.6 s: cannot reach Tempo at .* \(connection refused\)/);
  });
});
