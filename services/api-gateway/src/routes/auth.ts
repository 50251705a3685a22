import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { forward } from '../forward.js';
import { Credentials } from '../schemas/api.js';

export const authRoutes: FastifyPluginAsyncTypebox<{ authServiceUrl: string }> = async (
  app,
  { authServiceUrl },
) => {
  app.post('/api/auth/login', { schema: { body: Credentials } }, (request, reply) =>
    forward(request, reply, 'auth-service', `${authServiceUrl}/login`, {
      method: 'POST',
      body: request.body,
    }),
  );
};
