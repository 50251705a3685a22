import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createTokenVerifier, errorBody, registerHealthRoutes } from '@tracing-demo/service-kit';
import { isHealthPath } from '@tracing-demo/telemetry';
import type { GatewayConfig } from './config.js';
import { authRoutes } from './routes/auth.js';
import { orderRoutes } from './routes/orders.js';
import { registerTraceEdge } from './trace-edge.js';

/**
 * api-gateway as a plugin: the trust decision on trace context first, rate limiting, then the
 * public routes. Its SERVER span is the root of every trace but a trusted caller's: the route
 * comes from the instrumentation, the request id from the service kit and the user id from
 * authentication. Nothing else about the caller is put on spans.
 */
const apiGateway: FastifyPluginAsyncTypebox<GatewayConfig> = async (app, config) => {
  registerTraceEdge(app, config.trust);
  // Not the plugin's per-route hook: that would run after authentication, and requests with bad
  // tokens would never count. One hook for every request instead, probes excepted.
  await app.register(rateLimit, {
    global: false,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) => ({
      ...errorBody(
        429,
        `rate limit exceeded: at most ${context.max} requests per minute, retry in ${context.after}`,
      ),
    }),
  });

  const limit = app.rateLimit();
  app.addHook('onRequest', async function (request, reply) {
    if (!isHealthPath(request.url)) return limit.call(this, request, reply);
  });

  const verifier = createTokenVerifier(config);
  registerHealthRoutes(app, { signingKeys: () => verifier.checkKeys() });
  await app.register(authRoutes, { authServiceUrl: config.authServiceUrl });
  await app.register(orderRoutes, { orderServiceUrl: config.orderServiceUrl, verifier });
};

export default apiGateway;
