/**
 * A copy of packages/telemetry's bootstrap (src/sdk.ts, src/instrumentations.ts,
 * src/server-span.ts) with switches, for `compare`: `node --import <this file>` with
 * BENCH_CANDIDATE set to a comma-separated list of changes measures what each costs or saves
 * against the project's register, without touching the package. With BENCH_CANDIDATE empty it
 * must cost what the real register costs (the "copy" variant checks that). The package's
 * register is never loaded by this file (only its helpers), so the services' own
 * shutdownTelemetry() is a no-op here: this file flushes on SIGTERM instead.
 *
 *   handler-span      @fastify/otel instrumentHandler: true (a "handler - …" span per hop, as
 *                     before issue 9: what turning it off saved)
 *   pg-connect        pg ignoreConnectSpans: false (a pg-pool.connect span per transaction, as
 *                     before issue 9: what turning them off saved)
 *   http-server       the HTTP instrumentation's SERVER span with fastify's `request` span
 *                     (INTERNAL) below it, as before issue 9: what letting @fastify/otel make
 *                     the SERVER span saved
 *   no-pino           no pino instrumentation (no trace_id/span_id in log lines)
 *   no-fastify        no @fastify/otel at all (loses http.route: a measurement, not a proposal)
 *   no-undici         no undici instrumentation (breaks propagation: a measurement only)
 *   no-pg             no pg instrumentation (a measurement only)
 *   no-amqp           no amqplib instrumentation (breaks propagation: a measurement only)
 *   no-http           no HTTP instrumentation (it sees only jose's JWKS fetches)
 *   no-export         spans made and batched but not serialized or sent (a measurement only:
 *                     what the OTLP export costs)
 */
import FastifyOtel from '@fastify/otel';
import { diag } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
// The package's helpers (its index starts nothing: only register does).
import {
  describeServerSpan,
  isHealthPath,
  resourceAttributesFromEnv,
} from '@tracing-demo/telemetry';

const changes = new Set(
  (process.env.BENCH_CANDIDATE ?? '')
    .split(',')
    .map((change) => change.trim())
    .filter(Boolean),
);

function instrumentations(): Instrumentation[] {
  const list: Instrumentation[] = [];
  if (!changes.has('no-http')) {
    list.push(
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => isHealthPath(request.url),
        disableIncomingRequestInstrumentation: !changes.has('http-server'),
      }),
    );
  }
  if (!changes.has('no-undici')) list.push(new UndiciInstrumentation());
  if (!changes.has('no-fastify')) {
    list.push(
      new FastifyOtel.FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: ({ url }) => isHealthPath(url),
        instrumentHooks: false,
        instrumentHandler: changes.has('handler-span'),
        ...(changes.has('http-server') ? {} : { requestHook: describeServerSpan }),
      }),
    );
  }
  if (!changes.has('no-pg')) {
    list.push(
      new PgInstrumentation({
        requireParentSpan: true,
        enhancedDatabaseReporting: false,
        ignoreConnectSpans: !changes.has('pg-connect'),
      }),
    );
  }
  if (!changes.has('no-amqp')) list.push(new AmqplibInstrumentation());
  if (!changes.has('no-pino')) list.push(new PinoInstrumentation({ disableLogSending: true }));
  return list;
}

const ENV_DEFAULTS: Record<string, string> = {
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_PROPAGATORS: 'tracecontext,baggage',
  OTEL_TRACES_SAMPLER: 'always_on',
  OTEL_SEMCONV_STABILITY_OPT_IN: 'http',
};
for (const [name, value] of Object.entries(ENV_DEFAULTS)) process.env[name] ??= value;

function spanProcessors() {
  if (changes.has('no-export')) {
    return [
      new BatchSpanProcessor({
        exporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} },
      }),
    ];
  }
  // Undefined: the SDK builds its BatchSpanProcessor and exporter from the environment.
  return undefined;
}

try {
  const sdk = startNodeSdk({
    instrumentations: instrumentations(),
    resourceAttributes: resourceAttributesFromEnv(),
    spanProcessors: spanProcessors(),
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
