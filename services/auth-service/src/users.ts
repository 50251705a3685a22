import type { Pool } from '@tracing-demo/service-kit';
import type { DemoUser } from './config.js';
import { hashPassword } from './passwords.js';

export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS users (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     email text NOT NULL UNIQUE,
     password_hash text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
];

export interface StoredUser {
  id: string;
  passwordHash: string;
}

/** Creates configured demo users that do not exist yet; existing users are left untouched. */
export async function seedUsers(pool: Pool, users: readonly DemoUser[]): Promise<void> {
  for (const user of users) {
    const exists = await pool.query('SELECT 1 FROM users WHERE email = $1', [user.email]);
    if (exists.rowCount) continue;
    await pool.query(
      'INSERT INTO users (email, password_hash) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING',
      [user.email, await hashPassword(user.password)],
    );
  }
}

export async function findUserByEmail(pool: Pool, email: string): Promise<StoredUser | undefined> {
  const result = await pool.query<{ id: string; password_hash: string }>(
    'SELECT id, password_hash FROM users WHERE email = $1',
    [email.trim().toLowerCase()],
  );
  const row = result.rows[0];
  return row && { id: row.id, passwordHash: row.password_hash };
}
