import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, errorBody } from '@tracing-demo/service-kit';
import { Jwks, VerifyRequest, VerifyResponse } from '../schemas/auth.js';
import type { TokenIssuer } from '../tokens.js';

export const keyRoutes: FastifyPluginAsyncTypebox<{ issuer: TokenIssuer }> = async (
  app,
  { issuer },
) => {
  app.get(
    '/.well-known/jwks.json',
    { schema: { response: { 200: Jwks } } },
    async (_req, reply) => {
      // Verifiers cache keys; five minutes bounds how long a rotated key lingers.
      reply.header('cache-control', 'public, max-age=300');
      return issuer.jwks;
    },
  );

  app.post(
    '/verify',
    { schema: { body: VerifyRequest, response: { 200: VerifyResponse, 401: ErrorResponse } } },
    async (request, reply) => {
      try {
        const { sub, exp } = await issuer.verify(request.body.token);
        return { active: true as const, sub, exp };
      } catch {
        return reply.code(401).send(errorBody(401, 'token is invalid or expired'));
      }
    },
  );
};
