import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { recordFailure } from './spans.js';

/**
 * The CLIENT span of one outgoing request: it ends on the first call, when the answer's body is
 * read or when none came; later calls do nothing.
 */
export interface HttpClientSpan {
  answered(status: number): void;
  failed(error: unknown): void;
}

const tracer = trace.getTracer('@tracing-demo/telemetry');

/**
 * Starts the CLIENT span of a fetch to another service and puts its traceparent in `headers`.
 * It replaces the undici instrumentation, which did the same at several times the CPU: it gave
 * every request a dozen attributes, a diagnostics-channel round trip per phase and a duration
 * metric nobody read (bench/README.md#findings). The span carries the HTTP semantic
 * conventions' required attributes; `url.full` leaves out the query, which can hold user input,
 * as the SERVER span's `url.path` does. Like the instrumentation, a 4xx or 5xx answer is an error
 * on the caller's side.
 */
export function startHttpClientSpan(
  method: string,
  url: string,
  headers: Record<string, string>,
): HttpClientSpan {
  const span = tracer.startSpan(method, { kind: SpanKind.CLIENT });
  if (span.isRecording()) {
    const { hostname, port, protocol, origin, pathname } = new URL(url);
    span.setAttributes({
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_SERVER_ADDRESS]: hostname,
      [ATTR_SERVER_PORT]: Number(port) || (protocol === 'https:' ? 443 : 80),
      [ATTR_URL_FULL]: origin + pathname,
    });
  }
  propagation.inject(trace.setSpan(context.active(), span), headers);
  let ended = false;
  return {
    answered(status) {
      if (ended) return;
      ended = true;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 400) {
        span.setAttribute(ATTR_ERROR_TYPE, String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
    failed(error) {
      if (ended) return;
      ended = true;
      span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.name : 'Error');
      recordFailure(span, error);
      span.end();
    },
  };
}
