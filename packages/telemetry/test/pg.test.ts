/**
 * The pg query spans against the run's real PostgreSQL, with the SDK's tracer and spans kept in
 * memory: one CLIENT span per statement inside a span, none outside, nothing of a failed
 * statement's input in the span.
 */

import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { isWrapped } from '@opentelemetry/instrumentation';
import { createDatabase } from '@tracing-demo/platform';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { operationOf, PgQueryInstrumentation } from '../src/pg.js';
import { memoryTracing } from './memory-tracing.js';

const { exporter, provider } = memoryTracing();
const instrumentation = new PgQueryInstrumentation();
const tracer = provider.getTracer('test');
let pool: import('pg').Pool;
let database = '';

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  instrumentation.setTracerProvider(provider);
  // The register loads before any service code; here pg was loaded first (the platform's import),
  // so its exports are patched by hand, with the definition the register's load hook uses.
  const pg = (await import('pg')).default;
  for (const definition of instrumentation.getModuleDefinitions()) definition.patch?.(pg);
  expect(isWrapped(pg.Client.prototype.query)).toBe(true);
  const url = await createDatabase(inject('postgresAdminUrl'), 'unit_pg_spans');
  database = new URL(url).pathname.slice(1);
  pool = new pg.Pool({ connectionString: url, max: 1 });
});

afterAll(async () => {
  await pool?.end();
  instrumentation.disable();
  context.disable();
  await provider.shutdown();
});

beforeEach(() => exporter.reset());

/** Runs `work` inside a span, as a request handler does. */
const inside = <T>(work: () => Promise<T>) =>
  tracer.startActiveSpan('request', async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
const querySpans = () =>
  exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);

describe('PgQueryInstrumentation', () => {
  it('makes one CLIENT span per statement, without its parameters', async () => {
    const client = await pool.connect();
    try {
      await inside(() => client.query('  select $1::text AS planted', ['parameter-4711']));
    } finally {
      client.release();
    }
    const [span, ...more] = querySpans();
    expect(more).toHaveLength(0);
    expect(span?.name).toBe(`pg.query:SELECT ${database}`);
    expect(span?.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.namespace': database,
      'server.address': expect.any(String),
      'server.port': expect.any(Number),
      'db.query.text': '  select $1::text AS planted',
    });
    expect(JSON.stringify(span?.attributes)).not.toContain('parameter-4711');
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("times pool.query's callback form and keeps the caller's context", async () => {
    const parent = await inside(async () => {
      await pool.query('SELECT 1');
      return trace.getActiveSpan()?.spanContext().spanId;
    });
    const [span] = querySpans();
    expect(span?.name).toBe(`pg.query:SELECT ${database}`);
    expect(span?.parentSpanContext?.spanId).toBe(parent);
  });

  it('makes no span for a statement outside any span', async () => {
    await pool.query('SELECT 1');
    expect(querySpans()).toEqual([]);
  });

  it('marks a failed statement with its SQLSTATE, never the input the message quotes', async () => {
    const failure = await inside(() =>
      pool.query('SELECT $1::uuid', ['someone-4711@example.com']).catch((error: unknown) => error),
    );
    expect(String(failure)).toContain('someone-4711@example.com');
    const [span] = querySpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['db.response.status_code']).toBe('22P02');
    expect(span?.attributes['error.type']).toBe('22P02');
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
    expect(JSON.stringify([span?.status, span?.events, span?.attributes])).not.toContain(
      'someone-4711',
    );
  });
});

describe('operationOf', () => {
  it.each([
    ['INSERT INTO orders VALUES ($1)', 'INSERT'],
    ['\n  update stock\n set n = 1', 'UPDATE'],
    ['COMMIT;', 'COMMIT'],
    ['select', 'SELECT'],
  ])('%j is %s', (text, operation) => {
    expect(operationOf(text)).toBe(operation);
  });
});
