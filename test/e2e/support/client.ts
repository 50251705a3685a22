/**
 * The e2e suite as a client of the gateway: it sends real requests and, like loadgen, starts
 * each operation's trace itself (a W3C traceparent), so it knows every trace id it caused. The
 * gateway continues that trace because it trusts the suite's network (loopback: setup.ts, and
 * the port-forwards of cluster/e2e-values.yaml); to anyone else it would start a new one.
 * A login + order is one trace: the client's root span (sent to the collector as OTLP, as an
 * instrumented client would) with the gateway's two SERVER spans below it.
 */
import { SpanKind } from '@tracing-demo/otlp';
import { newSpanId, newTraceId, sendSpans } from '@tracing-demo/testkit';

export const CLIENT_SERVICE = 'e2e-client';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  /** When the response was complete (ms since epoch). */
  endedAt: number;
}

export interface Flow {
  traceId: string;
  login: Answer;
  order: Answer;
  orderId?: string;
  token?: string;
  endedAt: number;
}

const CARD = '4242424242424242';

export function gatewayClient(gatewayUrl: string, collectorOtlpHttp: string) {
  async function call(
    path: string,
    options: { traceparent: string; body?: object; token?: string; method?: string },
  ): Promise<Answer> {
    const response = await fetch(`${gatewayUrl}${path}`, {
      method: options.method ?? (options.body ? 'POST' : 'GET'),
      headers: {
        traceparent: options.traceparent,
        ...(options.body ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body ? JSON.stringify(options.body) : undefined,
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      endedAt: Date.now(),
    };
  }

  return {
    call,

    /** Logs in and places one order in ONE trace, then reports the client's root span. */
    async loginAndOrder(
      user: { email: string; password: string } = {
        email: 'alice@example.com',
        password: 'alice-password',
      },
      order: { cardNumber?: string; quantity?: number } = {},
    ): Promise<Flow> {
      const traceId = newTraceId();
      const rootSpanId = newSpanId();
      const traceparent = `00-${traceId}-${rootSpanId}-01`;
      const startMs = Date.now();
      const login = await call('/api/auth/login', { traceparent, body: user });
      const token = typeof login.body.accessToken === 'string' ? login.body.accessToken : undefined;
      const placed = await call('/api/orders', {
        traceparent,
        token,
        body: {
          items: [{ sku: 'SKU-COFFEE', quantity: order.quantity ?? 1 }],
          paymentMethod: 'card',
          cardNumber: order.cardNumber ?? CARD,
        },
      });
      await sendSpans(collectorOtlpHttp, [
        {
          traceId,
          spanId: rootSpanId,
          service: CLIENT_SERVICE,
          name: 'login and order',
          kind: SpanKind.INTERNAL,
          startMs,
          durationMs: placed.endedAt - startMs,
        },
      ]);
      const orderId = typeof placed.body.id === 'string' ? placed.body.id : undefined;
      return { traceId, login, order: placed, orderId, token, endedAt: placed.endedAt };
    },
  };
}

/** Runs `task` for each input with at most `concurrency` in flight, keeping the order. */
export async function inParallel<I, O>(
  inputs: I[],
  concurrency: number,
  task: (input: I) => Promise<O>,
): Promise<O[]> {
  const results: O[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await task(inputs[index] as I);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Sets payment-service's fault injection (PUT /admin/faults). */
export async function setFaults(
  paymentUrl: string,
  faults: { failureRate?: number; slowRate?: number; slowDelayMs?: number },
): Promise<void> {
  const response = await fetch(`${paymentUrl}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!response.ok)
    throw new Error(`PUT /admin/faults: ${response.status} ${await response.text()}`);
}
