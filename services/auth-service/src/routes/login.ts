import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, errorBody, type Pool } from '@tracing-demo/service-kit';
import { annotateServerSpan, inSpan, tracerFor } from '@tracing-demo/telemetry';
import { verifyPassword } from '../passwords.js';
import { Credentials, TokenResponse } from '../schemas/auth.js';
import type { TokenIssuer } from '../tokens.js';
import { findUserByEmail } from '../users.js';

const tracer = tracerFor('auth-service');

export const loginRoutes: FastifyPluginAsyncTypebox<{
  pool: Pool;
  issuer: TokenIssuer;
  dummyHash: string;
}> = async (app, { pool, issuer, dummyHash }) => {
  app.post(
    '/login',
    { schema: { body: Credentials, response: { 200: TokenResponse, 401: ErrorResponse } } },
    async (request, reply) => {
      const { email, password } = request.body;
      const user = await findUserByEmail(pool, email);
      // An unknown e-mail still costs one scrypt, so response time does not reveal who exists.
      const valid = await inSpan(tracer, 'verifyPassword', {}, async (span) => {
        const ok = await verifyPassword(password, user?.passwordHash ?? dummyHash);
        span.setAttribute('auth.result', user && ok ? 'success' : 'invalid_credentials');
        return user !== undefined && ok;
      });
      if (!user || !valid) {
        return reply.code(401).send(errorBody(401, 'invalid email or password'));
      }
      annotateServerSpan({ 'user.id': user.id });
      const { token, expiresIn } = await inSpan(
        tracer,
        'signToken',
        { 'user.id': user.id, 'auth.token.algorithm': 'EdDSA' },
        () => issuer.sign(user.id),
      );
      return { accessToken: token, tokenType: 'Bearer' as const, expiresIn };
    },
  );
};
