import { callService, type UpstreamRequest } from '@tracing-demo/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Relays a request to a backend service and its answer to the client, status and JSON body as
 * they are. The request id travels along so logs of every hop line up; the caller's bearer
 * token travels only where the route says so (order-service verifies it again).
 */
export async function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  service: string,
  url: string,
  upstream: UpstreamRequest,
) {
  const { status, body } = await callService(service, url, {
    ...upstream,
    headers: { 'x-request-id': request.id, ...upstream.headers },
  });
  return reply.code(status).send(body);
}
