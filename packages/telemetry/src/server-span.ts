import type { FastifyOtelInstrumentationOpts } from '@fastify/otel';
import { type Span, type SpanStatus, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ATTR_HTTP_RESPONSE_STATUS_CODE } from '@opentelemetry/semantic-conventions';
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
 * or log line to its trace, at the public edge the trust decision (public-edge.ts), and an
 * error status only for a server error.
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
  errorOnlyOnServerError(span);
}

/**
 * A 4xx is the caller's error, not the service's: the SERVER span's status stays unset (OTel HTTP
 * semantic conventions), so bad input never counts against the service's error ratio and SLO.
 * @fastify/otel marks the span ERROR for every error a request throws, before the status code is
 * known, and an ERROR cannot be unset: the mark is held until the span ends and kept for a 5xx
 * (or no status code at all) only. The exception event stays either way.
 */
function errorOnlyOnServerError(span: Span): void {
  let held: SpanStatus | undefined;
  const { setStatus, end } = span;
  span.setStatus = (status) => {
    if (status.code === SpanStatusCode.ERROR) held = status;
    else setStatus.call(span, status);
    return span;
  };
  span.end = (endTime) => {
    // The SDK's span is a ReadableSpan: the status code @fastify/otel set is in its attributes.
    const code = (span as Partial<Pick<ReadableSpan, 'attributes'>>).attributes?.[
      ATTR_HTTP_RESPONSE_STATUS_CODE
    ];
    if (held && !(typeof code === 'number' && code < 500)) setStatus.call(span, held);
    end.call(span, endTime);
  };
}
