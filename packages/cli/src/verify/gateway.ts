import { CliError } from '../errors.js';
import { bodySnippet, request } from '../http.js';

/** The demo user every install has (auth-service's DEMO_USERS default). */
export const DEMO_USER = { email: 'alice@example.com', password: 'alice-password' };

/** One coffee, paid by a card the simulated processor always accepts. */
export const VERIFY_ORDER = {
  items: [{ sku: 'SKU-COFFEE', quantity: 1 }],
  paymentMethod: 'card',
  cardNumber: '4242424242424242',
};

const gateway = (url: string) => ({ name: 'the api-gateway', baseUrl: url });
const trimSlash = (url: string) => url.replace(/\/+$/, '');

async function failure(what: string, response: Response): Promise<CliError> {
  const body = await bodySnippet(response);
  let message = body;
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {}
  return new CliError(`${what} answered ${response.status}: ${message}`);
}

/** The gateway is ready (GET /readyz: its signing keys are loaded). */
export async function gatewayReady(gatewayUrl: string): Promise<void> {
  const base = trimSlash(gatewayUrl);
  const response = await request(gateway(base), `${base}/readyz`);
  if (!response.ok) throw await failure(`${base}/readyz`, response);
  await response.arrayBuffer();
}

/** POST /api/auth/login: the bearer token. */
export async function login(
  gatewayUrl: string,
  credentials: { email: string; password: string },
): Promise<string> {
  const base = trimSlash(gatewayUrl);
  const response = await request(gateway(base), `${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!response.ok) throw await failure('login', response);
  const body = (await response.json()) as { accessToken?: string };
  if (!body.accessToken) throw new CliError('login answered without an accessToken');
  return body.accessToken;
}

export interface PlacedOrder {
  orderId: string;
  status: number;
  /** x-request-id: every SERVER span of the request carries it as app.request.id. */
  requestId: string | undefined;
  /** The order's trace, as the gateway's traceresponse names it. */
  traceId: string;
}

/** The header that makes verify a trusted synthetic caller of the gateway. */
export const SYNTHETIC_TOKEN_HEADER = 'x-synthetic-token';

/** The trace id of a W3C traceresponse (`00-<trace-id>-<span-id>-<flags>`), or undefined. */
export function traceIdOfTraceresponse(value: string | null): string | undefined {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(value?.trim() ?? '');
  const traceId = match?.[1];
  return traceId && !/^0+$/.test(traceId) ? traceId : undefined;
}

/**
 * POST /api/orders with the token, and the synthetic-traffic token when verify has one: the
 * gateway then marks the trace synthetic, which the collector's tail sampling keeps. verify
 * chooses no trace id; it learns the order's from the gateway's traceresponse header.
 */
export async function placeOrder(
  gatewayUrl: string,
  token: string,
  syntheticToken: string | undefined,
): Promise<PlacedOrder> {
  const base = trimSlash(gatewayUrl);
  const response = await request(gateway(base), `${base}/api/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(syntheticToken ? { [SYNTHETIC_TOKEN_HEADER]: syntheticToken } : {}),
    },
    body: JSON.stringify(VERIFY_ORDER),
    timeoutMs: 20_000,
  });
  if (response.status !== 201) throw await failure('the order', response);
  const body = (await response.json()) as { id?: string };
  const header = response.headers.get('traceresponse');
  const traceId = traceIdOfTraceresponse(header);
  if (!traceId) {
    throw new CliError(
      `the order was placed, but the gateway's answer names no trace (traceresponse: ${header ?? 'none'})`,
    );
  }
  return {
    orderId: body.id ?? '?',
    status: response.status,
    requestId: response.headers.get('x-request-id') ?? undefined,
    traceId,
  };
}
