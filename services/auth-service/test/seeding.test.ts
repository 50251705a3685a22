import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { ALICE, authServiceStarter, BOB, freshDatabase, login } from './helpers.js';

let databaseUrl: string;

beforeEach(async () => {
  databaseUrl = await freshDatabase('auth_seeding');
});

const start = authServiceStarter(() => databaseUrl);

async function usersByEmail() {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ email: string; id: string }>(
      'SELECT email, id FROM users ORDER BY email',
    );
    return result.rows;
  } finally {
    await client.end();
  }
}

describe('demo user seeding', () => {
  it('creates each demo user once however often the service starts', async () => {
    await start();
    const first = await usersByEmail();
    await start();

    expect(first.map((user) => user.email)).toEqual([ALICE.email, BOB.email]);
    expect(await usersByEmail()).toEqual(first);
  });

  it('lets two replicas start together on an empty database', async () => {
    const replicas = await Promise.all([start(), start()]);

    expect((await usersByEmail()).map((user) => user.email)).toEqual([ALICE.email, BOB.email]);
    for (const app of replicas) expect((await login(app, ALICE)).statusCode).toBe(200);
  });

  it('leaves an existing user alone when DEMO_USERS gives them another password', async () => {
    await start();
    const restarted = await start({ DEMO_USERS: `${ALICE.email}:a-new-password` });

    expect((await login(restarted, ALICE)).statusCode).toBe(200);
    expect((await login(restarted, { ...ALICE, password: 'a-new-password' })).statusCode).toBe(401);
  });

  it('adds a demo user that was added to DEMO_USERS since the last start', async () => {
    await start({ DEMO_USERS: `${ALICE.email}:${ALICE.password}` });
    const restarted = await start({
      DEMO_USERS: `${ALICE.email}:${ALICE.password},carol@example.com:carol-password`,
    });

    const carol = await login(restarted, {
      email: 'carol@example.com',
      password: 'carol-password',
    });
    expect(carol.statusCode).toBe(200);
  });
});
