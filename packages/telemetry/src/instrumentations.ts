import FastifyOtel from '@fastify/otel';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { isHealthPath } from './health-paths.js';

/**
 * Exactly the libraries the services use, nothing else: fs, dns and net instrumentations would
 * add several spans per request and no insight. None of these records headers or bodies unless
 * configured to, and none is configured to: Authorization, Cookie and passwords stay out.
 */
export function createInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => isHealthPath(request.url),
    }),
    // Node's fetch is undici: this makes the service-to-service CLIENT spans and injects
    // traceparent into outgoing requests.
    new UndiciInstrumentation(),
    new FastifyOtel.FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: ({ url }) => isHealthPath(url),
      // One span per request (`request`, carrying http.route), none per lifecycle hook and none
      // per handler: the handler's work hangs directly below `request`, and what ran before it
      // (parsing, auth) is the gap before its first child. bench/README.md
      // (overhead-candidates): without handler and pg connect spans an order is 26 spans
      // instead of 31 and costs the collector ~10% less CPU; the services' own CPU did not
      // move measurably.
      instrumentHooks: false,
      instrumentHandler: false,
    }),
    // requireParentSpan: pool keep-alives and readiness pings outside a request make no trace.
    // Statement parameters (enhancedDatabaseReporting) stay off: they carry user data.
    // ignoreConnectSpans: no pg-pool.connect / pg.connect span per connection checkout (one per
    // transaction); every query keeps its span, and a wait for a pooled connection shows as the
    // gap before the first one. Same benchmark as above.
    new PgInstrumentation({
      requireParentSpan: true,
      enhancedDatabaseReporting: false,
      ignoreConnectSpans: true,
    }),
    new AmqplibInstrumentation(),
    // Correlation only (trace_id/span_id in every log line); logs are not shipped over OTLP.
    new PinoInstrumentation({ disableLogSending: true }),
  ];
}
