import type { FastifyInstance, LogLevel } from 'fastify';

export type ReadinessCheck = () => Promise<void>;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Probes every few seconds would flood info logs: at most warn, never louder than LOG_LEVEL. */
function probeLogLevel(app: FastifyInstance): LogLevel {
  const level = app.log.level;
  return LEVELS.indexOf(level) > LEVELS.indexOf('warn') ? (level as LogLevel) : 'warn';
}

/**
 * /healthz says the process is alive; /readyz says it can serve (its dependencies answer).
 * Both are left out of traces (config.otel = false here; packages/telemetry's ignorePaths skips
 * the same paths) and out of rate limiting.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: Record<string, ReadinessCheck>) {
  const options = { config: { otel: false, rateLimit: false }, logLevel: probeLogLevel(app) };
  app.get('/healthz', options, async () => ({ status: 'ok' }));
  app.get('/readyz', options, async (request, reply) => {
    const failures: Record<string, string> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await check();
        } catch (error) {
          failures[name] = error instanceof Error ? error.message : String(error);
        }
      }),
    );
    if (Object.keys(failures).length > 0) {
      request.log.warn({ failures }, 'not ready');
      return reply.code(503).send({ status: 'unavailable', failures });
    }
    return { status: 'ready' };
  });
}
