import { randomUUID } from 'node:crypto';
import type { FastifyServerOptions } from 'fastify';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Fastify options shared by every service.
 * - Validation is strict: no type coercion and no silent stripping of unknown fields, so a
 *   wrong-typed or extra field is a 400 that names it instead of being quietly "fixed".
 * - x-request-id is taken from the caller only when it looks like an id, so it is safe to log
 *   and put on spans; otherwise a fresh UUID.
 * - Logs are JSON on stdout; Authorization and Cookie are redacted should anything log headers.
 */
export function serviceFastifyOptions(opts: {
  logLevel: string;
  bodyLimitBytes: number;
}): FastifyServerOptions {
  return {
    bodyLimit: opts.bodyLimitBytes,
    // false: fastify would otherwise take the header as it is; genReqId checks it first.
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    logger: {
      level: opts.logLevel,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          'headers.cookie',
          '*.password',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false },
    },
  };
}
