/**
 * packages/telemetry's bootstrap with parts switched off, for `compare`: `node --import <this
 * file>` with BENCH_CANDIDATE set to a comma-separated list of switches measures what each part
 * costs. With BENCH_CANDIDATE empty it must cost what the register costs (the "copy" variant
 * checks that). The package's register is not loaded, so the services' own shutdownTelemetry()
 * is a no-op here: this file flushes on SIGTERM instead.
 *
 *   no-fastify        no @fastify/otel (no SERVER spans: a measurement only)
 *   no-pg             no pg instrumentation (a measurement only)
 *   no-export         spans made and batched but not serialized or sent (a measurement only:
 *                     what the OTLP export costs)
 *   serialize-only    spans made, batched and serialized as OTLP protobuf, not sent (a
 *                     measurement only: what sending them costs, against the register)
 *   bare-send         spans serialized and sent in one node:http POST each, no retry, no
 *                     timeout (a measurement only: what the SDK's OTLP/HTTP transport adds)
 */
import { Agent, request } from 'node:http';
import { diag } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceAttributes } from '@tracing-demo/telemetry';
import { applyEnvDefaults, createInstrumentations } from '@tracing-demo/telemetry/sdk';

/** The instrumentation each `no-…` switch leaves out, by its instrumentationName. */
const LEFT_OUT: Record<string, string> = {
  'no-fastify': '@fastify/otel',
  'no-pg': '@tracing-demo/telemetry/pg',
};

const changes = new Set(
  (process.env.BENCH_CANDIDATE ?? '')
    .split(',')
    .map((change) => change.trim())
    .filter(Boolean),
);
const leftOut = new Set([...changes].flatMap((change) => LEFT_OUT[change] ?? []));

try {
  applyEnvDefaults();
  // Each instrumentation hooks module loading as it is made; one left out is disabled before
  // the service imports anything.
  const instrumentations = createInstrumentations().filter((instrumentation) => {
    if (!leftOut.has(instrumentation.instrumentationName)) return true;
    instrumentation.disable();
    return false;
  });
  const fromEnv = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  // Batched as the SDK batches for its exporter (OTEL_BSP_*), then handed to `send`.
  const batchedInto = (send: (spans: ReadableSpan[], done: (failed: boolean) => void) => void) =>
    new BatchSpanProcessor({
      exporter: {
        export: (spans, done) => send(spans, (failed) => done({ code: failed ? 1 : 0 })),
        shutdown: async () => {},
      },
      scheduledDelayMillis: fromEnv('OTEL_BSP_SCHEDULE_DELAY'),
      maxExportBatchSize: fromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
      maxQueueSize: fromEnv('OTEL_BSP_MAX_QUEUE_SIZE'),
    });
  const serialize = (spans: ReadableSpan[]) =>
    ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array();
  // Made only for bare-send: no other variant opens a connection of its own.
  const bareSend = () => {
    const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318';
    const url = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${endpoint}/v1/traces`;
    const agent = new Agent({ keepAlive: true });
    return (spans: ReadableSpan[], done: (failed: boolean) => void) => {
      const body = serialize(spans);
      const headers = { 'content-type': 'application/x-protobuf', 'content-length': body.length };
      request(url, { method: 'POST', agent, headers }, (response) => {
        response.resume().on('end', () => done((response.statusCode ?? 500) >= 300));
      })
        .on('error', () => done(true))
        .end(body);
    };
  };
  const processor = changes.has('no-export')
    ? batchedInto((_spans, done) => done(false))
    : changes.has('serialize-only')
      ? batchedInto((spans, done) => {
          serialize(spans);
          done(false);
        })
      : changes.has('bare-send')
        ? batchedInto(bareSend())
        : undefined;
  const sdk = startNodeSdk({
    instrumentations,
    resourceAttributes: resourceAttributes(),
    // Undefined: the SDK builds its BatchSpanProcessor and exporter from the environment.
    spanProcessors: processor ? [processor] : undefined,
  });
  // closeWithGrace in the service exits right after its own (here empty) shutdown: flush first.
  process.prependOnceListener('SIGTERM', () => {
    void sdk.shutdown();
  });
  process.once('beforeExit', () => {
    void sdk.shutdown();
  });
} catch (error) {
  diag.error('candidate telemetry failed to start', error);
}
