import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/passwords.js';

describe('password hashing', () => {
  it('verifies the password a hash was made from', async () => {
    const stored = await hashPassword('correct horse battery staple');

    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
  });

  it('rejects any other password', async () => {
    const stored = await hashPassword('correct horse battery staple');

    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('stores scrypt with its parameters and never the password itself', async () => {
    const stored = await hashPassword('correct horse battery staple');

    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('correct');
  });

  it('salts every hash, so equal passwords do not give equal hashes', async () => {
    const first = await hashPassword('same-password');
    const second = await hashPassword('same-password');

    expect(first).not.toBe(second);
    expect(await verifyPassword('same-password', second)).toBe(true);
  });

  it('treats the composed and decomposed forms of an accented password as the same', async () => {
    const stored = await hashPassword('caf\u00e9-password');

    expect(await verifyPassword('cafe\u0301-password', stored)).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['another scheme', 'bcrypt$2b$10$abcdefghijklmnopqrstuv'],
    ['a hash without its salt', 'scrypt$16384$8$1$$AAAA'],
    ['a truncated hash', 'scrypt$16384$8$1'],
    ['a plain-text password', 'correct horse battery staple'],
  ])('says false, without throwing, for a stored value that is %s', async (_case, stored) => {
    await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(false);
  });
});
