import { shutdownTelemetry } from '@tracing-demo/telemetry';
import closeWithGrace from 'close-with-grace';
import type { FastifyPluginAsync } from 'fastify';
import { createServiceApp } from './app.js';
import { ConfigError, type ServerConfig } from './env.js';

export interface ServiceDefinition<Config extends { server: ServerConfig }> {
  name: string;
  plugin: FastifyPluginAsync<Config>;
  loadConfig: (env: NodeJS.ProcessEnv) => Config;
}

/**
 * Starts a service: validated config, the app plugin, graceful shutdown, listen.
 * On SIGTERM/SIGINT it stops accepting, lets in-flight requests finish (fastify close), then
 * flushes spans; a second signal or 10 s without finishing exits at once.
 */
export async function runService<Config extends { server: ServerConfig }>(
  definition: ServiceDefinition<Config>,
): Promise<void> {
  let config: Config;
  try {
    config = definition.loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${definition.name}: invalid configuration: ${error.message}`);
    process.exit(2);
  }
  const app = createServiceApp(config.server);
  await app.register(definition.plugin, config);
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an unexpected error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
    await shutdownTelemetry();
  });
  await app.listen({ host: config.server.host, port: config.server.port });
}
