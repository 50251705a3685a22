import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AuthService, buildAuthService, freshDatabase } from './helpers.js';

let app: AuthService;

beforeAll(async () => {
  app = await buildAuthService({ DATABASE_URL: await freshDatabase('auth_readiness') });
});
afterAll(async () => {
  await app?.close();
});

describe('health endpoints', () => {
  it('says it is alive on /healthz', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('says it is ready on /readyz while its database answers', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
  });

  it('says it is not ready, and why, once its database is gone', async () => {
    const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
    await admin.connect();
    try {
      await admin.query('DROP DATABASE auth_readiness WITH (FORCE)');
    } finally {
      await admin.end();
    }

    const response = await app.inject({ method: 'GET', url: '/readyz' });

    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'unavailable',
      failures: { database: expect.stringContaining('auth_readiness') },
    });
  });
});
