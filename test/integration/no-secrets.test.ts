import { SpanKind } from '@tracing-demo/otlp';
import { waitFor } from '@tracing-demo/platform';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { login, PLANTED, request, type Stack, startStack } from './stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(inject('postgresAdminUrl'), 'integration_no_secrets');
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * Plants an e-mail, a password, a card number, a cookie and a real JWT in every place a request
 * can carry them (bodies, Authorization, Cookie, failed logins), waits until every one of those
 * requests' spans was exported, then searches everything that left the services: the raw OTLP
 * export bodies and every line the four processes logged.
 */
it('no password, e-mail, token, cookie or card number reaches spans or logs', async () => {
  const requestIds: string[] = [];
  const send = async (...args: Parameters<typeof request>) => {
    const response = await request(...args);
    requestIds.push(response.headers.get('x-request-id') as string);
    return response;
  };
  const gateway = stack.gateway.url;
  const cookie = 'session=planted-cookie-value-5521';

  const token = await login(stack);
  const withSecrets = { authorization: `Bearer ${token}`, cookie };
  expect(
    (
      await send(`${gateway}/api/auth/login`, {
        method: 'POST',
        body: { email: PLANTED.email, password: PLANTED.password },
        headers: { cookie },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await send(`${gateway}/api/auth/login`, {
        method: 'POST',
        body: { email: PLANTED.email, password: `${PLANTED.password}-wrong` },
      })
    ).status,
  ).toBe(401);
  expect(
    (
      await send(`${gateway}/api/auth/login`, {
        method: 'POST',
        body: { email: PLANTED.email, password: 12345 },
      })
    ).status,
  ).toBe(400);
  const order = {
    items: [{ sku: 'SKU-MUG', quantity: 1 }],
    paymentMethod: 'card',
    cardNumber: PLANTED.cardNumber,
  };
  expect(
    (await send(`${gateway}/api/orders`, { method: 'POST', body: order, headers: withSecrets }))
      .status,
  ).toBe(201);
  expect((await send(`${gateway}/api/orders`, { headers: withSecrets })).status).toBe(200);
  expect(
    (await send(`${gateway}/api/orders`, { headers: { authorization: `Bearer ${token}x` } }))
      .status,
  ).toBe(401);
  // The same secrets sent straight to the internal services, as a misbehaving client might.
  expect(
    (await send(`${stack.order.url}/orders`, { method: 'POST', body: order, headers: withSecrets }))
      .status,
  ).toBe(201);
  expect((await send(`${stack.auth.url}/verify`, { method: 'POST', body: { token } })).status).toBe(
    200,
  );

  // Every request's SERVER spans have been exported before anything is searched.
  await waitFor('the spans of every request', () =>
    requestIds.every((id) =>
      stack.sink.spans.some(
        (s) => s.kind === SpanKind.SERVER && s.attributes['app.request.id'] === id,
      ),
    ),
  );
  const exported = stack.sink.rawBodies.join('\n');
  const logs = stack.processes.map((p) => p.output()).join('\n');
  expect(exported.length).toBeGreaterThan(1000);
  expect(logs).toContain('request completed');

  const planted = {
    email: PLANTED.email,
    password: PLANTED.password,
    card: PLANTED.cardNumber,
    jwt: token,
    'jwt signature': token.split('.')[2] as string,
    cookie: 'planted-cookie-value-5521',
    'bearer header': 'Bearer ',
  };
  for (const [what, value] of Object.entries(planted)) {
    expect(exported.includes(value), `${what} found in exported spans`).toBe(false);
    expect(logs.includes(value), `${what} found in service logs`).toBe(false);
  }
});
