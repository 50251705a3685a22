import { ConfigError } from '@tracing-demo/service-kit';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseDemoUsers } from '../src/config.js';

const DEMO_USERS_FORMAT = new ConfigError(
  'DEMO_USERS must be a comma-separated list of email:password with passwords of 8+ characters',
);

describe('parseDemoUsers', () => {
  it('reads email:password pairs, lower-casing the e-mail and keeping the password as is', () => {
    expect(
      parseDemoUsers(' Alice@Example.com:Alice:Pass-1 , bob@example.com:bob-password,'),
    ).toEqual([
      { email: 'alice@example.com', password: 'Alice:Pass-1' },
      { email: 'bob@example.com', password: 'bob-password' },
    ]);
  });

  it('allows no demo users at all', () => {
    expect(parseDemoUsers('')).toEqual([]);
  });

  it.each([
    ['an entry without a colon', 'alice@example.com'],
    ['an entry without an e-mail', ':alice-password'],
    ['an e-mail without @', 'alice:alice-password'],
    ['a password under 8 characters', 'alice@example.com:short'],
    ['one bad entry among good ones', 'alice@example.com:alice-password,bob@example.com:bob'],
  ])('refuses %s with a message saying the expected format', (_case, text) => {
    expect(() => parseDemoUsers(text)).toThrow(DEMO_USERS_FORMAT);
  });
});

describe('loadConfig', () => {
  it('has working defaults for local development', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      issuer: 'tracing-demo-auth',
      audience: 'tracing-demo',
      tokenTtlSeconds: 900,
      signingKey: undefined,
    });
    expect(config.server.port).toBe(3001);
    expect(config.demoUsers.map((user) => user.email)).toEqual([
      'alice@example.com',
      'bob@example.com',
    ]);
  });

  it('refuses a token lifetime outside 30 s to 1 day', () => {
    expect(() => loadConfig({ JWT_TTL_SECONDS: '10' })).toThrow(
      new ConfigError("JWT_TTL_SECONDS must be an integer between 30 and 86400 (got '10')"),
    );
  });
});
