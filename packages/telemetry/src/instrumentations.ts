import FastifyOtel from '@fastify/otel';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { isHealthPath } from './health-paths.js';
import { describeServerSpan } from './server-span.js';

/**
 * Exactly the libraries the services use, nothing else: fs, dns and net instrumentations would
 * add several spans per request and no insight. None of these records headers or bodies unless
 * configured to, and none is configured to: Authorization, Cookie and passwords stay out.
 */
export function createInstrumentations(): Instrumentation[] {
  return [
    // Outgoing node:http requests only (jose's JWKS fetch): an incoming request's SERVER span
    // is @fastify/otel's, below. The HTTP instrumentation's own server side was a second span
    // per hop, and the costlier one: it rebinds every listener on each request and response to
    // the context and reads a dozen attributes from the raw request. bench/README.md
    // (service-alone): tracing cost payment-service 210–255 µs of CPU per request with it,
    // 125–135 without; an order is 23 spans instead of 26.
    new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
    // Node's fetch is undici: this makes the service-to-service CLIENT spans and injects
    // traceparent into outgoing requests.
    new UndiciInstrumentation(),
    new FastifyOtel.FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: ({ url }) => isHealthPath(url),
      // One span per request, the hop's SERVER span (with no HTTP server instrumentation in
      // the context, @fastify/otel extracts the caller's traceparent and starts it as SERVER),
      // none per lifecycle hook and none per handler: the handler's work hangs directly below
      // it, and what ran before it (parsing, auth) is the gap before its first child.
      // bench/README.md (overhead-candidates): without handler and pg connect spans an order
      // is 26 spans instead of 31 and costs the collector ~10% less CPU.
      instrumentHooks: false,
      instrumentHandler: false,
      requestHook: describeServerSpan,
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
