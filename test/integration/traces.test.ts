import { ancestors, renderTree, SpanKind, StatusCode } from '@tracing-demo/otlp';
import { waitFor } from '@tracing-demo/platform';
import type { CollectedSpan } from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { login, PLANTED, request, type Stack, startStack } from './stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(inject('postgresAdminUrl'), 'integration_traces');
});
afterAll(async () => {
  await stack?.stop();
});

const ORDER = {
  items: [
    { sku: 'SKU-COFFEE', quantity: 2 },
    { sku: 'SKU-MUG', quantity: 1 },
  ],
  paymentMethod: 'card',
  cardNumber: PLANTED.cardNumber,
};

/**
 * Every SERVER span carries the request id the gateway answered with, on every hop. Waits until
 * the trace holding those spans has every span `complete` asks for, then returns it, and checks
 * the request made exactly one trace.
 */
async function traceOf(requestId: string, complete: (trace: CollectedSpan[]) => boolean) {
  return waitFor(`the trace of request ${requestId}`, () => {
    const servers = stack.sink.spans.filter((s) => s.attributes['app.request.id'] === requestId);
    const traceIds = new Set(servers.map((s) => s.traceId));
    if (traceIds.size > 1)
      throw new Error(`request ${requestId} was split over ${traceIds.size} traces`);
    const [traceId] = traceIds;
    if (!traceId) return undefined;
    const trace = stack.sink.trace(traceId);
    return complete(trace) ? trace : undefined;
  });
}

const find = (trace: CollectedSpan[], service: string, name: string | RegExp, kind?: SpanKind) =>
  trace.find(
    (s) =>
      s.service === service &&
      (typeof name === 'string' ? s.name === name : name.test(s.name)) &&
      (kind === undefined || s.kind === kind),
  );

/** Every hop of an order request has exported its span, whatever the order's outcome. */
const orderHopsArrived = (trace: CollectedSpan[]) =>
  !!find(trace, 'payment-service', 'chargePayment') &&
  !!find(trace, 'api-gateway', /^POST/, SpanKind.SERVER) &&
  !!find(trace, 'order-service', /^POST/, SpanKind.SERVER);

function only(trace: CollectedSpan[], service: string, name: string | RegExp, kind?: SpanKind) {
  const span = find(trace, service, name, kind);
  expect(span, `${service} span '${name}' in\n${renderTree(trace)}`).toBeDefined();
  return span as CollectedSpan;
}

function expectDescendant(trace: CollectedSpan[], child: CollectedSpan, ancestor: CollectedSpan) {
  const chain = ancestors(child, trace).map((s) => s.spanId);
  expect(
    chain,
    `${child.service}:${child.name} under ${ancestor.service}:${ancestor.name}\n${renderTree(trace)}`,
  ).toContain(ancestor.spanId);
}

function rootOf(trace: CollectedSpan[]) {
  const roots = trace.filter((s) => !s.parentSpanId);
  expect(roots, renderTree(trace)).toHaveLength(1);
  const root = roots[0] as CollectedSpan;
  expect(root.service).toBe('api-gateway');
  expect(root.kind).toBe(SpanKind.SERVER);
  return root;
}

describe('one request, one trace', () => {
  it('login: gateway root → auth-service, with password check and signing spans', async () => {
    const response = await request(`${stack.gateway.url}/api/auth/login`, {
      method: 'POST',
      body: { email: PLANTED.email, password: PLANTED.password },
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id') as string;
    const trace = await traceOf(
      requestId,
      (t) =>
        !!find(t, 'auth-service', 'signToken') &&
        !!find(t, 'api-gateway', /^POST/, SpanKind.SERVER),
    );
    console.log(`login trace:\n${renderTree(trace)}`);

    const root = rootOf(trace);
    expect(root.name).toBe('POST /api/auth/login');
    expect(root.attributes['http.route']).toBe('/api/auth/login');
    const authServer = only(trace, 'auth-service', 'POST /login', SpanKind.SERVER);
    const gatewayClient = trace.find((s) => s.spanId === authServer.parentSpanId);
    expect(gatewayClient?.service).toBe('api-gateway');
    expect(gatewayClient?.kind).toBe(SpanKind.CLIENT);
    expectDescendant(trace, authServer, root);
    const verify = only(trace, 'auth-service', 'verifyPassword');
    const sign = only(trace, 'auth-service', 'signToken');
    expectDescendant(trace, verify, authServer);
    expectDescendant(trace, sign, authServer);
    expect(verify.attributes['auth.result']).toBe('success');
    const userId = sign.attributes['user.id'];
    expect(userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(authServer.attributes['user.id']).toBe(userId);
    const query = trace.find(
      (s) => s.service === 'auth-service' && s.attributes['db.system.name'] === 'postgresql',
    );
    expect(query, renderTree(trace)).toBeDefined();
    expectDescendant(trace, query as CollectedSpan, authServer);
    expect(trace.every((s) => s.status.code !== StatusCode.ERROR)).toBe(true);
    // The resource says which service, instance, process and Node version; nothing of the host,
    // the OS or the command line (the register's OTEL_NODE_RESOURCE_DETECTORS=service).
    for (const span of [root, authServer]) {
      expect(span.resource).toMatchObject({
        'service.name': span.service,
        'service.instance.id': expect.any(String),
        'process.pid': expect.any(Number),
        'process.runtime.name': 'nodejs',
        'process.runtime.version': expect.stringMatching(/^\d+\.\d+\.\d+$/),
      });
      const detected = Object.keys(span.resource).filter((key) =>
        /^(host|os)\.|^process\.(command|executable|owner)/.test(key),
      );
      expect(detected).toEqual([]);
    }
  });

  it('order: gateway → order-service → payment-service, business spans and attributes', async () => {
    const token = await login(stack);
    const response = await request(`${stack.gateway.url}/api/orders`, {
      method: 'POST',
      body: ORDER,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const order = response.body;
    expect(order.totalCents).toBe(2 * 2499 + 1299 + 499 + 50 * 2);
    const requestId = response.headers.get('x-request-id') as string;
    const trace = await traceOf(requestId, orderHopsArrived);
    console.log(`order trace:\n${renderTree(trace)}`);

    const root = rootOf(trace);
    expect(root.name).toBe('POST /api/orders');
    expect(root.attributes['user.id']).toMatch(/^[0-9a-f-]{36}$/);
    const orderServer = only(trace, 'order-service', 'POST /orders', SpanKind.SERVER);
    expect(trace.find((s) => s.spanId === orderServer.parentSpanId)?.kind).toBe(SpanKind.CLIENT);
    expectDescendant(trace, orderServer, root);

    // The order is described on its hop's SERVER span, the hop's only span (docs/telemetry.md).
    expect(orderServer.attributes).toMatchObject({
      'order.id': order.id,
      'order.item_count': 2,
      'order.total': order.totalCents / 100,
      'payment.method': 'card',
    });
    expect(orderServer.attributes['order.shipping']).toBeTypeOf('number');
    // The order, pricing and the charge have no INTERNAL spans of their own (docs/telemetry.md):
    // the charge's CLIENT span sits directly below the SERVER span.
    for (const name of ['processOrder', 'validateInventory', 'processPayment']) {
      expect(find(trace, 'order-service', name), renderTree(trace)).toBeUndefined();
    }
    const paymentServer = only(trace, 'payment-service', 'POST /charges', SpanKind.SERVER);
    expect(trace.find((s) => s.spanId === paymentServer.parentSpanId)).toMatchObject({
      kind: SpanKind.CLIENT,
      parentSpanId: orderServer.spanId,
    });
    const charge = only(trace, 'payment-service', 'chargePayment');
    expectDescendant(trace, charge, paymentServer);
    expect(charge.attributes).toMatchObject({
      'payment.status': 'approved',
      'payment.method': 'card',
    });
    const paymentClient = trace.find((s) => s.spanId === paymentServer.parentSpanId);
    expect(paymentClient?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 201,
      'server.address': '127.0.0.1',
      'url.full': `${stack.processes.find((p) => p.name === 'payment-service')?.url}/charges`,
    });

    // Every line order-service logged for the request carries the trace's and a span's id, but
    // fastify's "incoming request", written before the SERVER span starts.
    const logged = (stack.processes.find((p) => p.name === 'order-service')?.output() ?? '')
      .split('\n')
      .filter((line) => line.includes(`"reqId":"${requestId}"`))
      .map((line) => JSON.parse(line) as { msg: string; trace_id?: string; span_id?: string })
      .filter((line) => line.msg !== 'incoming request');
    expect(logged.map((line) => line.msg)).toContain('request completed');
    for (const line of logged) {
      expect(line.trace_id, JSON.stringify(line)).toBe(root.traceId);
      expect(trace.map((s) => s.spanId)).toContain(line.span_id);
    }

    const insert = trace.find(
      (s) =>
        s.service === 'order-service' &&
        s.kind === SpanKind.CLIENT &&
        String(s.attributes['db.query.text'] ?? '').startsWith('INSERT INTO orders'),
    );
    expect(insert, renderTree(trace)).toBeDefined();
    expectDescendant(trace, insert as CollectedSpan, orderServer);
    expect(
      trace.every((s) => s.status.code !== StatusCode.ERROR),
      renderTree(trace),
    ).toBe(true);

    // packages/telemetry: one span per hop, the SERVER span, with the handler's work right
    // below it (no fastify `request` or `handler - …` span in between), described as the
    // platform reads it; and a transaction that is exactly its statements (no pg-pool.connect /
    // pg.connect span, no BEGIN or COMMIT span: packages/service-kit/src/db.ts).
    const gatewayCall = trace.find((s) => s.spanId === orderServer.parentSpanId) as CollectedSpan;
    for (const [server, work] of [
      [root, gatewayCall],
      [orderServer, paymentClient as CollectedSpan],
      [paymentServer, charge],
    ] as const) {
      expect(work.parentSpanId, renderTree(trace)).toBe(server.spanId);
      expect(server.attributes).toMatchObject({
        'http.request.method': 'POST',
        'http.route': server.name.slice('POST '.length),
        'url.path': server.name.slice('POST '.length),
        'url.scheme': 'http',
        'http.response.status_code': 201,
        'app.request.id': requestId,
      });
    }
    expect(trace.filter((s) => s.name === 'request' || s.name.startsWith('handler - '))).toEqual(
      [],
    );
    const transaction = trace
      .filter(
        (s) =>
          s.parentSpanId === orderServer.spanId && s.attributes['db.system.name'] === 'postgresql',
      )
      .sort((a, b) => a.startMs - b.startMs)
      .map((s) => String(s.attributes['db.query.text']).split(/\s/, 1)[0]);
    expect(transaction, renderTree(trace)).toEqual(['INSERT', 'INSERT']);
  });

  it('a failed payment marks the charge, the order and the root as errors', async () => {
    const token = await login(stack);
    await request(`${stack.payment.url}/admin/faults`, { method: 'PUT', body: { failureRate: 1 } });
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(`${stack.gateway.url}/api/orders`, {
        method: 'POST',
        body: ORDER,
        headers: { authorization: `Bearer ${token}` },
      });
    } finally {
      await request(`${stack.payment.url}/admin/faults`, {
        method: 'PUT',
        body: { failureRate: 0 },
      });
    }
    expect(response.status).toBe(502);
    expect(response.body.message).toMatch(/payment failed/);
    const trace = await traceOf(response.headers.get('x-request-id') as string, orderHopsArrived);
    console.log(`failed payment trace:\n${renderTree(trace)}`);

    const charge = only(trace, 'payment-service', 'chargePayment');
    expect(charge.status.code).toBe(StatusCode.ERROR);
    expect(charge.attributes['payment.status']).toBe('failed');
    expect(charge.events.map((e) => e.name)).toContain('exception');
    for (const [service, name] of [
      ['payment-service', 'POST /charges'],
      ['order-service', 'POST'],
      ['order-service', 'POST /orders'],
      ['api-gateway', 'POST /api/orders'],
    ] as const) {
      const span = only(trace, service, name);
      expect(span.status.code, `${service}:${name} should be an error\n${renderTree(trace)}`).toBe(
        StatusCode.ERROR,
      );
    }
  });

  it('a declined card is a 402 with the decline visible on the charge span', async () => {
    const token = await login(stack);
    const response = await request(`${stack.gateway.url}/api/orders`, {
      method: 'POST',
      body: { ...ORDER, cardNumber: '4000000000000002' },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(402);
    expect(response.body.message).toBe('card declined by issuer');
    const trace = await traceOf(response.headers.get('x-request-id') as string, orderHopsArrived);
    const charge = only(trace, 'payment-service', 'chargePayment');
    expect(charge.attributes['payment.status']).toBe('declined');
    expect(charge.status).toMatchObject({ code: StatusCode.ERROR, message: 'card declined' });
    // A decline is the caller's problem: the gateway's 4xx root is not a server error.
    expect(rootOf(trace).status.code).not.toBe(StatusCode.ERROR);
  });

  // Found by the API fuzz (test/e2e/fuzz.test.ts): a thrown 4xx made the SERVER span an error,
  // so bad input counted against the SLO and paged.
  it("bad input is the caller's error: no SERVER span of a 4xx is an error, the exception stays", async () => {
    const token = await login(stack);
    const authorization = `Bearer ${token}`;
    const cases = [
      // 400 at the gateway (schema), 401 at the gateway, 400 from order-service (unknown SKU).
      { body: { items: 'none' }, headers: { authorization }, status: 400, service: 'api-gateway' },
      { headers: { authorization: 'Bearer not.a.jwt' }, status: 401, service: 'api-gateway' },
      {
        body: { items: [{ sku: 'SKU-NOPE', quantity: 1 }], paymentMethod: 'wallet' },
        headers: { authorization },
        status: 400,
        service: 'order-service',
      },
    ];
    for (const { body, headers, status, service } of cases) {
      const response = await request(`${stack.gateway.url}/api/orders`, {
        method: body ? 'POST' : 'GET',
        body,
        headers,
      });
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      const server = (trace: CollectedSpan[]) =>
        trace.filter((s) => s.kind === SpanKind.SERVER && s.service === service);
      const trace = await traceOf(
        response.headers.get('x-request-id') as string,
        (t) => server(t).length > 0,
      );
      const [failed] = server(trace);
      expect(failed?.status.code, renderTree(trace)).not.toBe(StatusCode.ERROR);
      expect(failed?.attributes['http.response.status_code']).toBe(status);
      expect(failed?.events.map((e) => e.name)).toContain('exception');
      expect(
        trace.filter((s) => s.kind === SpanKind.SERVER && s.status.code === StatusCode.ERROR),
      ).toEqual([]);
    }
  });

  it('orders are listed and read only by their owner', async () => {
    const alice = await login(stack);
    const bob = await login(stack, 'bob@example.com', 'bob-password');
    const created = await request(`${stack.gateway.url}/api/orders`, {
      method: 'POST',
      body: { items: [{ sku: 'SKU-FILTER', quantity: 3 }], paymentMethod: 'wallet' },
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(created.status).toBe(201);
    const own = await request(`${stack.gateway.url}/api/orders/${created.body.id}`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(own.status).toBe(200);
    expect(own.body.id).toBe(created.body.id);
    const other = await request(`${stack.gateway.url}/api/orders/${created.body.id}`, {
      headers: { authorization: `Bearer ${bob}` },
    });
    expect(other.status).toBe(404);
    const bobsList = await request(`${stack.gateway.url}/api/orders`, {
      headers: { authorization: `Bearer ${bob}` },
    });
    expect(bobsList.status).toBe(200);
    expect(bobsList.body.orders.map((o: { id: string }) => o.id)).not.toContain(created.body.id);
  });
});
