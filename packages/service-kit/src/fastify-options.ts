import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { traceIdsForLog } from '@tracing-demo/telemetry';
import type { FastifyReply, FastifyServerOptions } from 'fastify';
import { errorBody } from './errors.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * A request Node could not parse (headers over 16 KiB, a malformed request line, a timeout)
 * never reaches fastify: this answers it in the platform's error shape, without echoing any of
 * it, and with no body to a HEAD (a client would read the body as its next response).
 */
export function answerClientError(
  error: Error & { code?: string; rawPacket?: unknown },
  socket: Socket,
) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request headers too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request not received in time']
        : [400, 'malformed HTTP request'];
  const body = JSON.stringify(errorBody(status, message));
  const raw = error.rawPacket;
  const head = Buffer.isBuffer(raw) && raw.subarray(0, 5).toString('latin1') === 'HEAD ';
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
        (head ? '' : body),
    );
  }
  socket.destroy(error);
}

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
    clientErrorHandler: answerClientError,
    // A URL the router cannot decode, or a path parameter over its 100 characters: the
    // platform's shape, without fastify's echo of the whole path.
    frameworkErrors: (error, _request, reply) => {
      const [status, message] =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? [414, 'a path segment is too long']
          : error.code === 'FST_ERR_BAD_URL'
            ? [400, 'malformed URL']
            : [error.statusCode ?? 400, 'bad request'];
      (reply as unknown as FastifyReply).code(status).send(errorBody(status, message));
    },
    // false: fastify would otherwise take the header as it is; genReqId checks it first.
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    logger: {
      level: opts.logLevel,
      mixin: traceIdsForLog,
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
