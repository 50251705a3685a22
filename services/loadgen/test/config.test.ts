import { ConfigError } from '@tracing-demo/service-kit';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseUsers } from '../src/config.js';

describe('loadgen configuration', () => {
  it('by default sends 5 operations a second as the demo users, until stopped', () => {
    const { load, server } = loadConfig({});
    expect(server.port).toBe(3010);
    expect(load).toEqual({
      gatewayUrl: 'http://127.0.0.1:3000',
      ratePerSecond: 5,
      durationSeconds: 0,
      mix: { place: 0.5, list: 0.4, get: 0.1 },
      users: [
        { email: 'alice@example.com', password: 'alice-password' },
        { email: 'bob@example.com', password: 'bob-password' },
      ],
      concurrency: 50,
      walletFraction: 0.3,
      declineFraction: 0.05,
      requestTimeoutMs: 20_000,
      progressIntervalSeconds: 10,
      syntheticToken: undefined,
    });
  });

  it('reads every setting from env', () => {
    const { load } = loadConfig({
      GATEWAY_URL: 'http://gateway:8080/',
      LOADGEN_RATE: '12.5',
      LOADGEN_DURATION_SECONDS: '30',
      LOADGEN_MIX: 'place=1,list=1',
      LOADGEN_USERS: 'carol@example.com:pass:with:colons',
      LOADGEN_CONCURRENCY: '4',
      LOADGEN_WALLET_FRACTION: '0',
      LOADGEN_DECLINE_FRACTION: '1',
      LOADGEN_TIMEOUT_MS: '500',
      LOADGEN_PROGRESS_SECONDS: '2',
      SYNTHETIC_TOKEN: 'a-synthetic-traffic-token',
    });
    expect(load).toEqual({
      gatewayUrl: 'http://gateway:8080',
      ratePerSecond: 12.5,
      durationSeconds: 30,
      mix: { place: 0.5, list: 0.5, get: 0 },
      users: [{ email: 'carol@example.com', password: 'pass:with:colons' }],
      concurrency: 4,
      walletFraction: 0,
      declineFraction: 1,
      requestTimeoutMs: 500,
      progressIntervalSeconds: 2,
      syntheticToken: 'a-synthetic-traffic-token',
    });
  });

  it.each([
    [{ LOADGEN_RATE: '0' }, "LOADGEN_RATE must be a number between 0.01 and 1000 (got '0')"],
    [{ LOADGEN_RATE: 'fast' }, "LOADGEN_RATE must be a number between 0.01 and 1000 (got 'fast')"],
    [
      { LOADGEN_DURATION_SECONDS: '-5' },
      "LOADGEN_DURATION_SECONDS must be a number between 0 and Infinity (got '-5')",
    ],
    [
      { LOADGEN_CONCURRENCY: '2.5' },
      "LOADGEN_CONCURRENCY must be an integer between 1 and 10000 (got '2.5')",
    ],
    [
      { LOADGEN_DECLINE_FRACTION: '5%' },
      "LOADGEN_DECLINE_FRACTION must be a number between 0 and 1 (got '5%')",
    ],
    [
      { LOADGEN_MIX: 'place=0.5;list=0.5' },
      "LOADGEN_MIX weight of 'place' must be a number of 0 or more (got '0.5;list=0.5')",
    ],
    [
      { LOADGEN_MIX: 'orders=1' },
      "LOADGEN_MIX names an unknown operation 'orders' (known: place, list, get)",
    ],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it('refuses a GATEWAY_URL that is not absolute, naming it', () => {
    // The wording belongs to service-kit's envUrl; what matters here is variable and value.
    expect(() => loadConfig({ GATEWAY_URL: '/api' })).toThrow(ConfigError);
    expect(() => loadConfig({ GATEWAY_URL: '/api' })).toThrow(
      /^GATEWAY_URL must be .*\(got '\/api'\)$/,
    );
  });
});

describe('LOADGEN_USERS', () => {
  it('splits on the first colon: passwords may hold colons, e-mails do not', () => {
    expect(parseUsers(' a@x.io:p1 , b@x.io:p:2 ,')).toEqual([
      { email: 'a@x.io', password: 'p1' },
      { email: 'b@x.io', password: 'p:2' },
    ]);
  });

  it.each([
    ['a@x.io:secret-one,nobody', 'entry 2 is not'],
    ['a@x.io', 'entry 1 is not'],
    ['not-an-email:secret-two', 'entry 1 is not'],
    ['a@x.io:', 'entry 1 is not'],
  ])('refuses %j by position, never echoing a password', (text, where) => {
    const message = `LOADGEN_USERS must be a comma-separated list of email:password (${where})`;
    expect(() => parseUsers(text)).toThrow(new ConfigError(message));
  });

  it('needs at least one user', () => {
    expect(() => parseUsers(' , ')).toThrow(
      new ConfigError('LOADGEN_USERS must name at least one user'),
    );
  });
});
