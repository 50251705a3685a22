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
      // One span per request and one per handler; a span per lifecycle hook is noise.
      instrumentHooks: false,
    }),
    // requireParentSpan: pool keep-alives and readiness pings outside a request make no trace.
    // Statement parameters (enhancedDatabaseReporting) stay off: they carry user data.
    new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    new AmqplibInstrumentation(),
    // Correlation only (trace_id/span_id in every log line); logs are not shipped over OTLP.
    new PinoInstrumentation({ disableLogSending: true }),
  ];
}
