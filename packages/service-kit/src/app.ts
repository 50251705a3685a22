import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerConfig } from './env.js';
import { installErrorHandlers } from './errors.js';
import { serviceFastifyOptions } from './fastify-options.js';

export type ServiceApp = FastifyInstance;

/**
 * The fastify root every service's plugin is registered into, in production and in tests alike,
 * so both see the same validation, error shape, body limit, logging and request ids.
 */
export function createServiceApp(server: Pick<ServerConfig, 'logLevel' | 'bodyLimitBytes'>) {
  const app = Fastify(serviceFastifyOptions(server)).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandlers(app);
  // JSON only: fastify would otherwise parse text/plain into a string and answer a confusing 400.
  app.removeContentTypeParser('text/plain');
  // The request id (from the gateway, forwarded on every hop) on each response lets a person,
  // or a test, go from a response to its log lines and trace (packages/telemetry puts it on
  // each SERVER span).
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  return app;
}
