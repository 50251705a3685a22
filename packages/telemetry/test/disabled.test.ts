import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Loaded after the register, like a service's own code: reports whether the instrumentations
 * got hold of what they patch. pg is patched on require (shimmer marks a wrapper with
 * `__wrapped`); @fastify/otel subscribes to a diagnostics channel instead. node:http and undici
 * are left alone: calls out make their CLIENT span themselves (client-span.ts).
 */
const PROBE = `
import { createRequire } from 'node:module';
import dc from 'node:diagnostics_channel';
const require = createRequire(process.cwd() + '/');
const http = require('node:http');
const pg = require('pg');
const wrapped = (fn) => fn.__wrapped === true;
console.log(JSON.stringify({
  'http.request': wrapped(http.request),
  'pg.Client.prototype.query': wrapped(pg.Client.prototype.query),
  'fastify.initialization': dc.hasSubscribers('fastify.initialization'),
  'undici:request:create': dc.hasSubscribers('undici:request:create'),
}));
`;

/** A process started as the services start: `--import …/register`, from dist/ (`npm test` builds). */
async function probe(env: Record<string, string>): Promise<Record<string, boolean>> {
  const { stdout } = await run(
    process.execPath,
    ['--import', '@tracing-demo/telemetry/register', '--input-type=module', '--eval', PROBE],
    {
      cwd: PACKAGE_DIR,
      // No exporter: nothing to send anywhere, and the process exits at once.
      env: { PATH: process.env.PATH ?? '', OTEL_TRACES_EXPORTER: 'none', ...env },
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

const PATCHED = {
  'http.request': false,
  'pg.Client.prototype.query': true,
  'fastify.initialization': true,
  'undici:request:create': false,
};
const UNTOUCHED = Object.fromEntries(Object.keys(PATCHED).map((what) => [what, false]));

describe('the register', () => {
  it.each<Record<string, string>>([{}, { OTEL_SDK_DISABLED: 'false' }])(
    'with %j patches pg and subscribes for fastify, leaves http and undici alone',
    async (env) => {
      expect(await probe(env)).toEqual(PATCHED);
    },
  );

  it.each(['true', ' TRUE '])(
    'with OTEL_SDK_DISABLED=%j constructs no instrumentation: nothing patched or subscribed',
    async (value) => {
      expect(await probe({ OTEL_SDK_DISABLED: value })).toEqual(UNTOUCHED);
    },
  );
});
