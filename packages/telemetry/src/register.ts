/**
 * Load with `node --import @tracing-demo/telemetry/register dist/server.js`, so the
 * instrumentations patch modules before the service imports them. SIGTERM belongs to the
 * service (it drains, then calls shutdownTelemetry); this covers processes that run out of work.
 */
import { shutdownTelemetry, startTelemetry } from './sdk.js';

startTelemetry();
process.once('beforeExit', () => {
  void shutdownTelemetry();
});
