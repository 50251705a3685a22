import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { createInstrumentations } from '@tracing-demo/telemetry/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, GOOD_CARD, orderServiceFixture } from './helpers.js';

/**
 * What the order route puts on its SERVER span when the input is wrong: a SKU is the caller's
 * text (digits allowed), so a card number sent as a SKU must not become a span's status message
 * or exception event, and a 4xx is not the service's error. The real route with the register's
 * instrumentations and the SDK's tracer, spans kept in memory.
 */
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
// Before the fixture builds its apps: @fastify/otel joins each fastify instance as it is created.
const instrumentations = createInstrumentations();
for (const instrumentation of instrumentations) instrumentation.setTracerProvider(provider);
const fixture = orderServiceFixture('order_span_status');
const CARD_AS_SKU = '4242424242424242';

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});

afterAll(async () => {
  for (const instrumentation of instrumentations) instrumentation.disable();
  trace.disable();
  context.disable();
  await provider.shutdown();
});

describe('a failed order', () => {
  it('names the unknown SKU to the caller with card-like digits masked, and its span too', async () => {
    const response = await fixture.app.inject({
      method: 'POST',
      url: '/orders',
      headers: bearer(await fixture.issuer.token()),
      payload: {
        items: [{ sku: CARD_AS_SKU, quantity: 1 }],
        paymentMethod: 'card',
        cardNumber: GOOD_CARD,
      },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe("unknown sku '****'");
    const spans = exporter.getFinishedSpans();
    // The hop's only span besides the key fetch's CLIENT span: no INTERNAL span for the order.
    expect(spans.filter((span) => span.kind !== SpanKind.CLIENT).map((span) => span.name)).toEqual([
      'POST /orders',
    ]);
    const server = spans.find((span) => span.kind === SpanKind.SERVER);
    expect(server?.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(server?.attributes).toMatchObject({
      'http.response.status_code': 400,
      'order.item_count': 1,
      'payment.method': 'card',
    });
    expect(server?.events.map((event) => event.attributes?.['exception.message'])).toEqual([
      "unknown sku '****'",
    ]);
    expect(JSON.stringify(spans.map((span) => [span.attributes, span.events]))).not.toContain(
      CARD_AS_SKU,
    );
  });
});
