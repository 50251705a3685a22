import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type OtlpTraceDocument,
  type Span,
  SpanKind,
  scrape,
  spansFromOtlp,
  sumOf,
} from '@tracing-demo/otlp';
import {
  type CollectorProcess,
  freePort,
  type JaegerProcess,
  type ServiceProcess,
  startCollector,
  startJaeger,
  startServiceProcess,
  waitFor,
} from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { login, request, type Stack, SYNTHETIC_TOKEN, startStack } from './stack.js';

/**
 * The services and the real collector, which tail-samples into the real Jaeger: every span is
 * recorded whatever the caller's sampled flag says, and the gateway (the public edge) continues
 * trace context only from a trusted caller. Every order fails (payment faults at 100 %), so
 * tail sampling keeps every order's trace; nothing else is kept but synthetic traffic.
 */
let jaeger: JaegerProcess;
let collector: CollectorProcess;
let stack: Stack;

beforeAll(async () => {
  jaeger = await startJaeger();
  collector = await startCollector({
    configs: ['collector/otel-collector.yaml'],
    env: {
      TRACES_OTLP_HTTP_ENDPOINT: jaeger.otlpHttpUrl,
      SAMPLING_BASELINE_PERCENT: '0',
      SAMPLING_WAIT_AFTER_ROOT: '1s',
      // A trusted caller's own root span never arrives here: its traces wait this long.
      SAMPLING_DECISION_WAIT: '3s',
    },
  });
  stack = await startStack(inject('postgresAdminUrl'), 'integration_public_edge', {
    otlpEndpoint: collector.otlpHttpUrl,
    env: { 'payment-service': { PAYMENT_FAILURE_RATE: '1' } },
  });
});
afterAll(async () => {
  await stack?.stop();
  await collector?.stop();
  await jaeger?.stop();
});

/** The spans Jaeger holds for a trace, none while it has none. */
async function stored(traceId: string): Promise<Span[]> {
  const response = await fetch(`${jaeger.url}/api/v3/traces/${traceId}`);
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`trace ${traceId}: ${response.status}`);
  return spansFromOtlp((await response.json()) as OtlpTraceDocument);
}

/** Waits for Jaeger to hold the trace with a span of `service` named `name`. */
function storedWith(traceId: string, service: string, name: string | RegExp) {
  return waitFor(
    `trace ${traceId} with ${service} ${name} in Jaeger`,
    async () => {
      const spans = await stored(traceId);
      const found = spans.some(
        (s) =>
          s.service === service && (typeof name === 'string' ? s.name === name : name.test(s.name)),
      );
      return found ? spans : undefined;
    },
    { timeoutMs: 30_000 },
  );
}

const gatewayServer = (spans: Span[], method: string) =>
  spans.find(
    (s) =>
      s.service === 'api-gateway' &&
      s.name.startsWith(`${method} /api/`) &&
      s.kind === SpanKind.SERVER,
  );

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const traceparent = (traceId: string, flags: '00' | '01') => `00-${traceId}-${hex(8)}-${flags}`;

/** `00-<trace-id>-<span-id>-<flags>` from the gateway's answer. */
function traceresponseOf(headers: Headers) {
  const value = headers.get('traceresponse') ?? '';
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value);
  if (!match) throw new Error(`no valid traceresponse header: '${value}'`);
  return { traceId: match[1] as string, spanId: match[2] as string, flags: match[3] as string };
}

const ORDER = { items: [{ sku: 'SKU-MUG', quantity: 1 }], paymentMethod: 'wallet' };

describe('the services record every span, whatever the caller says', () => {
  it('counts and stores failing orders sent with unsampled (-00) and sampled (-01) traceparents, trusted or not', async () => {
    const token = await login(stack);
    const before = await scrape(collector.metricsUrl);
    const gatewayErrors = (samples: Awaited<ReturnType<typeof scrape>>) =>
      sumOf(samples, 'traces_span_metrics_calls_total', {
        service_name: 'api-gateway',
        span_name: 'POST /api/orders',
        status_code: 'STATUS_CODE_ERROR',
      });
    const chargeErrors = (samples: Awaited<ReturnType<typeof scrape>>) =>
      sumOf(samples, 'traces_span_metrics_calls_total', {
        service_name: 'payment-service',
        span_name: 'chargePayment',
        status_code: 'STATUS_CODE_ERROR',
      });
    const sent: { flags: '00' | '01'; trusted: boolean; traceId: string; answered: string }[] = [];
    for (const flags of ['00', '01'] as const) {
      for (const trusted of [true, false]) {
        for (let i = 0; i < 3; i += 1) {
          const traceId = hex(16);
          const response = await request(`${stack.gateway.url}/api/orders`, {
            method: 'POST',
            body: ORDER,
            headers: {
              authorization: `Bearer ${token}`,
              traceparent: traceparent(traceId, flags),
              ...(trusted ? { 'x-synthetic-token': SYNTHETIC_TOKEN } : {}),
            },
          });
          expect(response.status).toBe(502);
          sent.push({
            flags,
            trusted,
            traceId,
            answered: traceresponseOf(response.headers).traceId,
          });
        }
      }
    }

    // A trusted caller continues its trace, unsampled or not; an outside caller gets a new one.
    for (const order of sent) {
      if (order.trusted) expect(order.answered).toBe(order.traceId);
      else expect(order.answered).not.toBe(order.traceId);
    }
    // Span metrics counted every one, at the gateway and three hops down.
    await waitFor(
      'span metrics counting all 12 failed orders',
      async () => {
        const after = await scrape(collector.metricsUrl);
        return gatewayErrors(after) - gatewayErrors(before) === 12 &&
          chargeErrors(after) - chargeErrors(before) === 12
          ? true
          : undefined;
      },
      { timeoutMs: 30_000 },
    );
    // And tail sampling kept every one of them (errors), so the store has them all.
    for (const order of sent) {
      await storedWith(order.answered, 'payment-service', 'chargePayment');
    }
  });
});

describe('the public edge decides what to trust', () => {
  it("starts a new trace for an outside caller and links the caller's context; traceresponse names the stored trace", async () => {
    const token = await login(stack);
    const callerTrace = hex(16);
    const callerSpan = hex(8);
    const response = await request(`${stack.gateway.url}/api/orders`, {
      method: 'POST',
      body: ORDER,
      headers: {
        authorization: `Bearer ${token}`,
        traceparent: `00-${callerTrace}-${callerSpan}-01`,
      },
    });
    const answered = traceresponseOf(response.headers);
    expect(answered.traceId).not.toBe(callerTrace);
    expect(answered.flags).toBe('01');

    const spans = await storedWith(answered.traceId, 'payment-service', 'chargePayment');
    const server = gatewayServer(spans, 'POST');
    expect(server?.spanId).toBe(answered.spanId);
    expect(server?.parentSpanId ?? '').toBe('');
    expect(server?.links).toEqual([
      expect.objectContaining({ traceId: callerTrace, spanId: callerSpan }),
    ]);
    expect(server?.attributes['app.synthetic']).toBeUndefined();
    // Nothing was recorded in the caller's trace.
    expect(await stored(callerTrace)).toEqual([]);
  });

  it("continues a trusted synthetic caller's trace, marks it, and tail sampling keeps it though it succeeded", async () => {
    const token = await login(stack);
    const callerTrace = hex(16);
    const callerSpan = hex(8);
    const response = await request(`${stack.gateway.url}/api/orders`, {
      headers: {
        authorization: `Bearer ${token}`,
        traceparent: `00-${callerTrace}-${callerSpan}-01`,
        'x-synthetic-token': SYNTHETIC_TOKEN,
      },
    });
    expect(response.status).toBe(200);
    const answered = traceresponseOf(response.headers);
    expect(answered.traceId).toBe(callerTrace);

    // A successful, fast request with a 0 % baseline: only the synthetic policy keeps it.
    const spans = await storedWith(callerTrace, 'order-service', /^GET \/orders/);
    const server = gatewayServer(spans, 'GET');
    expect(server?.spanId).toBe(answered.spanId);
    expect(server?.parentSpanId).toBe(callerSpan);
    expect(server?.links ?? []).toEqual([]);
    expect(server?.attributes['app.synthetic']).toBe(true);
  });

  it('answers traceresponse to a plain request without any trace context, and to a wrong token as to anyone', async () => {
    for (const headers of [
      {},
      { 'x-synthetic-token': 'a-wrong-token-of-some-length', traceparent: 'garbage' },
    ] as Record<string, string>[]) {
      const response = await request(`${stack.gateway.url}/api/orders`, { headers });
      expect(response.status).toBe(401);
      expect(traceresponseOf(response.headers).flags).toBe('01');
    }
  });

  describe('what reaches the services behind the gateway', () => {
    let gateway: ServiceProcess;
    let recorder: ReturnType<typeof createServer>;
    const seen: IncomingHttpHeaders[] = [];

    beforeAll(async () => {
      // A gateway whose order-service is a recorder of the headers it is sent.
      recorder = createServer((req, res) => {
        seen.push(req.headers);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"orders":[]}');
      });
      await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
      gateway = await startServiceProcess({
        name: 'api-gateway',
        directory: join(import.meta.dirname, '..', '..', 'services', 'api-gateway'),
        port: await freePort(),
        env: {
          AUTH_SERVICE_URL: stack.auth.url,
          ORDER_SERVICE_URL: `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`,
          SYNTHETIC_TOKEN,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
        },
      });
    });
    afterAll(async () => {
      await gateway?.stop();
      recorder?.closeAllConnections();
      await new Promise((resolve) => recorder?.close(resolve));
    });

    async function forwarded(headers: Record<string, string>) {
      const token = await login(stack);
      const response = await request(`${gateway.url}/api/orders`, {
        headers: { authorization: `Bearer ${token}`, ...headers },
      });
      expect(response.status).toBe(200);
      const upstream = seen.at(-1) as IncomingHttpHeaders;
      const upstreamTrace = /^00-([0-9a-f]{32})-/.exec(String(upstream.traceparent))?.[1];
      return { upstream, upstreamTrace, answered: traceresponseOf(response.headers) };
    }

    it("an outside caller's baggage and trace context go no further", async () => {
      const callerTrace = hex(16);
      const { upstream, upstreamTrace, answered } = await forwarded({
        traceparent: `00-${callerTrace}-${hex(8)}-01`,
        tracestate: 'vendor=caller',
        baggage: 'user.email=planted%40example.org,tenant=other',
      });
      expect(upstream.baggage).toBeUndefined();
      expect(upstream.tracestate).toBeUndefined();
      expect(upstreamTrace).toBe(answered.traceId);
      expect(upstreamTrace).not.toBe(callerTrace);
    });

    it("a trusted caller's trace continues, with its tracestate within the W3C limits, but without baggage", async () => {
      const callerTrace = hex(16);
      const trusted = {
        traceparent: `00-${callerTrace}-${hex(8)}-01`,
        'x-synthetic-token': SYNTHETIC_TOKEN,
      };
      const kept = await forwarded({
        ...trusted,
        tracestate: 'vendor=caller',
        baggage: 'tenant=other',
      });
      expect(kept.upstreamTrace).toBe(callerTrace);
      expect(kept.upstream.tracestate).toBe('vendor=caller');
      expect(kept.upstream.baggage).toBeUndefined();
      expect(kept.upstream['x-synthetic-token']).toBeUndefined();

      const members = Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',');
      const oversized = await forwarded({ ...trusted, tracestate: members });
      expect(oversized.upstreamTrace).toBe(callerTrace);
      expect(oversized.upstream.tracestate).toBeUndefined();
    });
  });
});
