import type { FastifyInstance } from 'fastify';

export type ReadinessCheck = () => Promise<void>;

/**
 * /healthz says the process is alive; /readyz says it can serve (its dependencies answer).
 * Both are left out of traces (config.otel = false here, and the HTTP instrumentation skips
 * them) and out of rate limiting.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: Record<string, ReadinessCheck>) {
  const routeConfig = { otel: false, rateLimit: false } as const;
  app.get('/healthz', { config: routeConfig, logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: routeConfig, logLevel: 'warn' }, async (request, reply) => {
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
