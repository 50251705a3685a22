import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { databaseReadiness, openDatabase, registerHealthRoutes } from '@tracing-demo/service-kit';
import type { AuthConfig } from './config.js';
import { hashPassword } from './passwords.js';
import { keyRoutes } from './routes/keys.js';
import { loginRoutes } from './routes/login.js';
import { createTokenIssuer } from './tokens.js';
import { SCHEMA, seedUsers } from './users.js';

/** auth-service as a plugin: database first, then keys, then routes. Never listens itself. */
const authService: FastifyPluginAsyncTypebox<AuthConfig> = async (app, config) => {
  const pool = await openDatabase(app, {
    url: config.databaseUrl,
    service: 'auth-service',
    schema: SCHEMA,
  });
  await seedUsers(pool, config.demoUsers);

  const issuer = await createTokenIssuer(config);
  if (issuer.ephemeral) {
    app.log.warn(
      'JWT_SIGNING_KEY is not set: using a key generated at start-up (tokens die with this process)',
    );
  }

  registerHealthRoutes(app, { database: databaseReadiness(pool) });
  await app.register(keyRoutes, { issuer });
  await app.register(loginRoutes, { pool, issuer, dummyHash: await hashPassword('not-a-user') });
};

export default authService;
