import { CliError, UnreachableError } from './errors.js';

/** How long one request to a component may take before it counts as unreachable. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * fetch() that turns "no answer at all" into an UnreachableError naming the component, its URL
 * and why (connection refused, unknown host, timeout), plus what to try: the local stack for a
 * loopback URL, the flag or environment variable otherwise. Any HTTP status is an answer and is
 * returned as it is.
 */
export async function request(
  component: { name: string; baseUrl: string; hint?: string },
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<Response> {
  const { timeoutMs = REQUEST_TIMEOUT_MS, ...rest } = init;
  try {
    return await fetch(url, { ...rest, signal: rest.signal ?? AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = networkReason(error, timeoutMs);
    const hint = component.hint ? `: ${component.hint}` : '';
    throw new UnreachableError(
      `cannot reach ${component.name} at ${component.baseUrl} (${reason})${hint}`,
      component.baseUrl,
    );
  }
}

/** `is the local stack running? `make local`` for loopback URLs, else how to point elsewhere. */
export function reachHint(baseUrl: string, override: string): string {
  let host = '';
  try {
    host = new URL(baseUrl).hostname;
  } catch {}
  return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)
    ? 'is the local stack running? `make local`'
    : `is the address right? (${override})`;
}

/** The useful part of a fetch failure: `connection refused`, `timed out after 10 s`, … */
export function networkReason(error: unknown, timeoutMs: number): string {
  const named = error as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (named.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  if (named.name === 'AbortError') return 'aborted';
  const code = named.cause?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'unknown host',
    EAI_AGAIN: 'unknown host',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
    UND_ERR_SOCKET: 'connection closed',
  };
  if (code && known[code]) return known[code] as string;
  if (code) return code;
  return named.cause?.message ?? named.message ?? String(error);
}

/** A response body as text, at most `max` characters, for error messages. */
export async function bodySnippet(response: Response, max = 300): Promise<string> {
  const text = (await response.text().catch(() => '')).trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** GET a body as text; anything but 2xx is a CliError with the status and the start of the body. */
export async function getText(
  component: { name: string; baseUrl: string; hint?: string },
  url: string,
): Promise<string> {
  const response = await request(component, url);
  if (!response.ok)
    throw new CliError(`${url} answered ${response.status}: ${await bodySnippet(response)}`);
  return response.text();
}
