import type { FastifyOtelInstrumentationOpts } from '@fastify/otel';
import type { Span } from '@opentelemetry/api';
import { describeAdmission } from './public-edge.js';

type FastifyRequest = Parameters<NonNullable<FastifyOtelInstrumentationOpts['requestHook']>>[1];

/** The part of fastify's request the SERVER span is described from. */
export type ServerRequest = Pick<FastifyRequest, 'method' | 'url' | 'protocol' | 'id' | 'raw'> & {
  routeOptions: Pick<FastifyRequest['routeOptions'], 'url'>;
};

/**
 * Completes the SERVER span @fastify/otel starts for each request, the hop's only span, as the
 * platform reads it: named `METHOD route` (span metrics, alerts and dashboards group by it),
 * `url.path` without the query (it can carry user input), `app.request.id` to go from a response
 * or log line to its trace, and at the public edge the trust decision (public-edge.ts).
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
