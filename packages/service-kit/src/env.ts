/**
 * Reading configuration from environment variables, failing at start-up with a message that
 * names the variable, what it must be, and what it was, rather than later with a confusing error.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = NodeJS.ProcessEnv;

function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

export function envString(env: Env, name: string, fallback?: string): string {
  const value = raw(env, name) ?? fallback;
  if (value === undefined) throw new ConfigError(`${name} is required`);
  return value;
}

export function envOptional(env: Env, name: string): string | undefined {
  return raw(env, name);
}

export function envNumber(
  env: Env,
  name: string,
  fallback: number,
  { min = -Infinity, max = Infinity, integer = false } = {},
): number {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  const kind = integer ? 'an integer' : 'a number';
  if (
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    throw new ConfigError(`${name} must be ${kind} between ${min} and ${max} (got '${text}')`);
  }
  return value;
}

export function envUrl(env: Env, name: string, fallback?: string): string {
  const value = envString(env, name, fallback);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  // `auth-service:3001` parses as a URL with scheme "auth-service:": say so now, not later.
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`${name} must be an http:// or https:// URL (got '${value}')`);
  }
  return url.toString().replace(/\/$/, '');
}

/** Settings every service shares: where to listen and how to log. */
export interface ServerConfig {
  host: string;
  port: number;
  logLevel: string;
  bodyLimitBytes: number;
}

export function serverConfigFromEnv(env: Env, defaultPort: number): ServerConfig {
  return {
    // Loopback by default so a developer's laptop exposes nothing; the chart sets 0.0.0.0.
    host: envString(env, 'HOST', '127.0.0.1'),
    port: envNumber(env, 'PORT', defaultPort, { min: 0, max: 65535, integer: true }),
    logLevel: envString(env, 'LOG_LEVEL', 'info'),
    bodyLimitBytes: envNumber(env, 'BODY_LIMIT_BYTES', 16 * 1024, { min: 256, integer: true }),
  };
}
