import type { FastifyError, FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { isDatabaseUnavailable } from './db.js';
import { maskSecrets } from './mask.js';

/**
 * An error whose message is safe and useful to show the caller, with its HTTP status. The
 * message is also the SERVER span's status message (@fastify/otel records every error a request
 * throws) and the status of any span it fails, so what looks like a secret in it is masked.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(maskSecrets(message));
    this.name = 'HttpError';
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/** The same shape as a TypeBox schema, for routes' response declarations. */
export const ErrorResponse = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
});

export function errorBody(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_TEXT[statusCode] ?? 'Error', message };
}

/**
 * Fastify's validation message names the field ("body/password must be string") except for an
 * unknown field, where ajv only says "must NOT have additional properties": name that one too.
 */
function describeValidation(error: FastifyError): string {
  const [first] = error.validation ?? [];
  const unknown = first?.keyword === 'additionalProperties' && first.params.additionalProperty;
  const where = `${error.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
  if (typeof unknown === 'string') {
    return `invalid request: ${where} has an unknown property '${unknown}'`;
  }
  const allowed = first?.keyword === 'enum' && first.params.allowedValues;
  if (Array.isArray(allowed)) {
    return `invalid request: ${where} must be one of ${allowed.map((v) => `'${v}'`).join(', ')}`;
  }
  return `invalid request: ${error.message}`;
}

/**
 * One error shape for every service: `{ statusCode, error, message }`. Client errors keep their
 * message (fastify's validation messages name the field); anything unexpected becomes a 500
 * whose details stay in the log, never in the response.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    // PostgreSQL down or going away is an outage, not a bug: a 503 the caller may retry.
    if (!(error instanceof HttpError) && isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, 'request failed: database unavailable');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send(errorBody(503, 'the database is unavailable; retry shortly'));
    }
    const status = error.statusCode ?? 500;
    if (error instanceof HttpError) reply.headers(error.headers);
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      const message = error instanceof HttpError ? error.message : 'internal error';
      return reply.code(status).send(errorBody(status, message));
    }
    let message = error.message;
    if ('validation' in error && error.validation) message = describeValidation(error);
    else if ('code' in error && error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      message = `content-type must be application/json (got '${request.headers['content-type'] ?? 'none'}')`;
    }
    return reply.code(status).send(errorBody(status, message));
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(errorBody(404, `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
