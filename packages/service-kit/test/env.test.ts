import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  envNumber,
  envOptional,
  envString,
  envUrl,
  serverConfigFromEnv,
} from '../src/env.js';

describe('envString', () => {
  it('returns the value, trimmed', () => {
    expect(envString({ DATABASE_URL: '  postgres://db/app \n' }, 'DATABASE_URL')).toBe(
      'postgres://db/app',
    );
  });

  it('falls back when the variable is unset or blank', () => {
    expect(envString({}, 'LOG_LEVEL', 'info')).toBe('info');
    expect(envString({ LOG_LEVEL: '   ' }, 'LOG_LEVEL', 'info')).toBe('info');
  });

  it('says which variable is missing when there is no fallback', () => {
    expect(() => envString({ DATABASE_URL: '' }, 'DATABASE_URL')).toThrow(
      new ConfigError('DATABASE_URL is required'),
    );
  });

  it('throws a ConfigError, which start-up tells apart from other failures', () => {
    let thrown: unknown;
    try {
      envString({}, 'DATABASE_URL');
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).name).toBe('ConfigError');
  });
});

describe('envOptional', () => {
  it('gives undefined for an unset or blank variable and the trimmed value otherwise', () => {
    expect(envOptional({}, 'JWT_SIGNING_KEY')).toBeUndefined();
    expect(envOptional({ JWT_SIGNING_KEY: ' ' }, 'JWT_SIGNING_KEY')).toBeUndefined();
    expect(envOptional({ JWT_SIGNING_KEY: ' key ' }, 'JWT_SIGNING_KEY')).toBe('key');
  });
});

describe('envNumber', () => {
  it('parses the value and falls back when unset', () => {
    expect(envNumber({ RATE: '0.25' }, 'RATE', 0)).toBe(0.25);
    expect(envNumber({}, 'RATE', 0.5)).toBe(0.5);
  });

  it.each([
    [
      { PORT: 'eighty' },
      { integer: true, min: 0, max: 65535 },
      "PORT must be an integer between 0 and 65535 (got 'eighty')",
    ],
    [
      { PORT: '80.5' },
      { integer: true, min: 0, max: 65535 },
      "PORT must be an integer between 0 and 65535 (got '80.5')",
    ],
    [
      { PORT: '70000' },
      { integer: true, min: 0, max: 65535 },
      "PORT must be an integer between 0 and 65535 (got '70000')",
    ],
    [{ RATE: '-0.1' }, { min: 0, max: 1 }, "RATE must be a number between 0 and 1 (got '-0.1')"],
    [
      { RATE: 'Infinity' },
      {},
      "RATE must be a number between -Infinity and Infinity (got 'Infinity')",
    ],
  ])('refuses %o, naming the variable, the range and the value', (env, bounds, message) => {
    const name = Object.keys(env)[0] as string;

    expect(() => envNumber(env, name, 0, bounds)).toThrow(new ConfigError(message));
  });

  it('accepts the bounds themselves', () => {
    expect(envNumber({ RATE: '0' }, 'RATE', 0.5, { min: 0, max: 1 })).toBe(0);
    expect(envNumber({ RATE: '1' }, 'RATE', 0.5, { min: 0, max: 1 })).toBe(1);
  });
});

describe('envUrl', () => {
  it('normalises the URL without a trailing slash, so paths can be appended', () => {
    expect(envUrl({ AUTH_SERVICE_URL: 'http://auth-service:3001/' }, 'AUTH_SERVICE_URL')).toBe(
      'http://auth-service:3001',
    );
    expect(envUrl({}, 'AUTH_SERVICE_URL', 'http://127.0.0.1:3001')).toBe('http://127.0.0.1:3001');
  });

  it('refuses a value that is not an absolute URL', () => {
    expect(() => envUrl({ AUTH_SERVICE_URL: '/auth' }, 'AUTH_SERVICE_URL')).toThrow(
      new ConfigError("AUTH_SERVICE_URL must be an http:// or https:// URL (got '/auth')"),
    );
  });

  it('refuses a host:port written without its http:// scheme', () => {
    expect(() => envUrl({ AUTH_SERVICE_URL: 'auth-service:3001' }, 'AUTH_SERVICE_URL')).toThrow(
      ConfigError,
    );
  });
});

describe('serverConfigFromEnv', () => {
  it('listens on loopback by default, on the service’s own port', () => {
    expect(serverConfigFromEnv({}, 3002)).toEqual({
      host: '127.0.0.1',
      port: 3002,
      logLevel: 'info',
      bodyLimitBytes: 16_384,
    });
  });

  it('takes HOST, PORT, LOG_LEVEL and BODY_LIMIT_BYTES from env', () => {
    const env = { HOST: '0.0.0.0', PORT: '8080', LOG_LEVEL: 'debug', BODY_LIMIT_BYTES: '1024' };

    expect(serverConfigFromEnv(env, 3002)).toEqual({
      host: '0.0.0.0',
      port: 8080,
      logLevel: 'debug',
      bodyLimitBytes: 1024,
    });
  });

  it('refuses a body limit too small for any real request', () => {
    expect(() => serverConfigFromEnv({ BODY_LIMIT_BYTES: '100' }, 3000)).toThrow(
      new ConfigError("BODY_LIMIT_BYTES must be an integer between 256 and Infinity (got '100')"),
    );
  });
});
