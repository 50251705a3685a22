import { startHttpClientSpan } from '@tracing-demo/telemetry';
import { HttpError } from './errors.js';

export interface UpstreamResponse<T = unknown> {
  status: number;
  body: T;
}

export interface UpstreamRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/**
 * Calls another service with JSON over fetch, in a CLIENT span whose traceparent it sends. Any
 * status comes back to the caller to map; only "could not get an answer"
 * becomes an error here: 502 when unreachable, 504 when too slow.
 */
export async function callService<T = unknown>(
  service: string,
  url: string,
  request: UpstreamRequest = {},
): Promise<UpstreamResponse<T>> {
  const timeoutMs = request.timeoutMs ?? 5_000;
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value !== undefined) headers[name] = value;
  }
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const method = request.method ?? 'GET';
  const hop = startHttpClientSpan(method, url, headers);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    hop.failed(error);
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new HttpError(504, `${service} did not answer within ${timeoutMs} ms`);
    }
    throw new HttpError(502, `${service} is unreachable`);
  }
  hop.answered(response.status);
  try {
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
  } catch {
    throw new HttpError(502, `${service} sent a response that is not JSON`);
  }
}
