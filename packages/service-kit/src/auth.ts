import { annotateServerSpan } from '@tracing-demo/telemetry';
import type { FastifyInstance } from 'fastify';
import { type AuthenticatedUser, bearerToken, type TokenVerifier } from './jwt.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthenticatedUser | null;
  }
}

/**
 * Requires a valid bearer token on every route of the plugin it is called in (a route subtree,
 * not per route). The caller's id lands on request.user and on the request's server span; the
 * token itself never goes anywhere but the verifier.
 */
export function requireAuthentication(app: FastifyInstance, verifier: TokenVerifier): void {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    const user = await verifier.verify(bearerToken(request.headers.authorization));
    request.user = user;
    annotateServerSpan({ 'user.id': user.userId });
  });
}

/** The authenticated caller; only valid inside a subtree guarded by requireAuthentication. */
export function currentUser(request: { user: AuthenticatedUser | null }): AuthenticatedUser {
  if (!request.user) throw new Error('route is not behind requireAuthentication');
  return request.user;
}
