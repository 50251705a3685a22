import FastifyOtel from '@fastify/otel';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { isHealthPath } from './health-paths.js';
import { PgQueryInstrumentation } from './pg.js';
import { describeServerSpan } from './server-span.js';

/**
 * Exactly the libraries the services use: fs, dns and net spans add noise, not insight. None is
 * configured to record headers or bodies, so Authorization, Cookie and passwords stay out.
 */
export function createInstrumentations(): Instrumentation[] {
  return [
    // No http instrumentation: @fastify/otel makes the SERVER span (a second one per hop cost more
    // CPU than it told, bench/README.md#findings), and nothing calls out through node:http. Calls
    // to other services and jose's key fetch (Node's fetch) make their CLIENT span with
    // startHttpClientSpan (client-span.ts); log lines get their ids from traceIdsForLog (spans.ts).
    // Messages get their PRODUCER and CONSUMER spans from messaging.ts, not an instrumentation.
    new FastifyOtel.FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: ({ url }) => isHealthPath(url),
      // One SERVER span per hop, none per hook or handler: the handler's work hangs below it, and
      // parsing and auth are the gap before its first child (bench/README.md#findings).
      instrumentHooks: false,
      instrumentHandler: false,
      requestHook: describeServerSpan,
    }),
    // A span per statement, none for queries outside a span (the outbox relay's poll) or a
    // transaction's BEGIN and COMMIT (service-kit runs them outsideTrace), never its parameters
    // (they carry user data), none per connection checkout: a wait for the pool shows as the gap
    // before the query (pg.ts).
    new PgQueryInstrumentation(),
  ];
}
