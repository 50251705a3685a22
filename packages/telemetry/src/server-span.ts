import type { FastifyOtelInstrumentationOpts } from '@fastify/otel';
import type { Span } from '@opentelemetry/api';
import { describeAdmission } from './public-edge.js';

type FastifyRequest = Parameters<NonNullable<FastifyOtelInstrumentationOpts['requestHook']>>[1];

/** The part of fastify's request the SERVER span is described from. */
export type ServerRequest = Pick<FastifyRequest, 'method' | 'url' | 'protocol' | 'id' | 'raw'> & {
  routeOptions: Pick<FastifyRequest['routeOptions'], 'url'>;
};

/**
 * Completes the SERVER span @fastify/otel starts for each request (it is the only span of a
 * hop: the HTTP instrumentation's incoming side is off, see instrumentations.ts) the way the
 * HTTP semantic conventions describe a server span, and as the rest of the platform reads it:
 * - named `METHOD route` (`POST /orders`; the method alone when no route matched), which span
 *   metrics, alerts and dashboards group by;
 * - `url.path` without the query string (@fastify/otel records the raw URL; queries are not
 *   recorded, they can carry user input), and `url.scheme`;
 * - `app.request.id`: the `x-request-id` every hop forwards and every response returns, so a
 *   person or a test can go from a response or a log line to its trace. Set here, when the span
 *   starts, because hooks that run before @fastify/otel's have no span to annotate.
 * - at a public edge (the gateway), the trust decision: a link to an outside caller's context,
 *   `app.synthetic`, and the `traceresponse` header (public-edge.ts).
 * `http.request.method`, `http.route` and `http.response.status_code` come from @fastify/otel.
 */
export function describeServerSpan(span: Span, request: ServerRequest): void {
  const route = request.routeOptions.url;
  span.updateName(route ? `${request.method} ${route}` : request.method);
  span.setAttributes({
    'url.path': request.url.split('?', 1)[0] ?? request.url,
    'url.scheme': request.protocol,
    'app.request.id': request.id,
  });
  describeAdmission(span, request.raw);
}
