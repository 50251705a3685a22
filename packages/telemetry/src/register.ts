/**
 * Load with `node --import @tracing-demo/telemetry/register dist/server.js` so the
 * instrumentations patch http, fastify, pg, amqplib and pino before the service imports them.
 *
 * Shutdown on SIGTERM belongs to the service (close-with-grace drains requests, then calls
 * shutdownTelemetry()); this module only covers processes that end by running out of work.
 */
import { shutdownTelemetry, startTelemetry } from './sdk.js';

startTelemetry();
process.once('beforeExit', () => {
  void shutdownTelemetry();
});
