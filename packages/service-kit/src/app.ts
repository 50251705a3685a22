import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerConfig } from './env.js';
import { installErrorHandlers } from './errors.js';
import { serviceFastifyOptions } from './fastify-options.js';

export type ServiceApp = FastifyInstance;

/**
 * The fastify root every service's plugin is registered into, in production and in tests alike,
 * so both see the same validation, error shape, body limit and logging.
 */
export function createServiceApp(server: Pick<ServerConfig, 'logLevel' | 'bodyLimitBytes'>) {
  const app = Fastify(serviceFastifyOptions(server)).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandlers(app);
  return app;
}
