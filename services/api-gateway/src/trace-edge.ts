import { type EdgeTrust, TraceEdge } from '@tracing-demo/telemetry';
import type { FastifyInstance } from 'fastify';

/**
 * The gateway is the public edge: whose trace context it continues is decided once per request
 * (packages/telemetry, public-edge.ts), on the raw request before fastify and its
 * instrumentation read the headers, so an outside caller's traceparent never becomes a parent.
 * The SERVER span then gets the link or the synthetic mark, and the answer `traceresponse`.
 */
export function registerTraceEdge(app: FastifyInstance, trust: EdgeTrust): void {
  const edge = new TraceEdge(trust);
  app.server.prependListener('request', (request, response) => {
    edge.admit(request, response);
  });
}
