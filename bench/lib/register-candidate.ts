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
 */
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
  // Batched as the SDK batches for its exporter (OTEL_BSP_*), then dropped.
  const batchedInto = (drop: (spans: ReadableSpan[]) => void) =>
    new BatchSpanProcessor({
      exporter: {
        export: (spans, done) => {
          drop(spans);
          done({ code: 0 });
        },
        shutdown: async () => {},
      },
      scheduledDelayMillis: fromEnv('OTEL_BSP_SCHEDULE_DELAY'),
      maxExportBatchSize: fromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
      maxQueueSize: fromEnv('OTEL_BSP_MAX_QUEUE_SIZE'),
    });
  const dropping = changes.has('no-export')
    ? batchedInto(() => {})
    : changes.has('serialize-only')
      ? batchedInto((spans) => ProtobufTraceSerializer.serializeRequest(spans))
      : undefined;
  const sdk = startNodeSdk({
    instrumentations,
    resourceAttributes: resourceAttributes(),
    // Undefined: the SDK builds its BatchSpanProcessor and exporter from the environment.
    spanProcessors: dropping ? [dropping] : undefined,
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
