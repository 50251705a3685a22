import { trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, GOOD_CARD, orderServiceFixture } from './helpers.js';

/**
 * What the order route puts on its spans when the input is wrong: a SKU is the caller's text
 * (digits allowed), so a card number sent as a SKU must not become a span's status message or
 * exception event. The real route and the SDK's tracer, spans kept in memory.
 */
const fixture = orderServiceFixture('order_span_status');
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const CARD_AS_SKU = '4242424242424242';

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
});

afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});

describe('a failed order', () => {
  it('names the unknown SKU to the caller with card-like digits masked, and its spans too', async () => {
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
    const failed = exporter.getFinishedSpans().filter((span) => span.status.code === 2);
    expect(failed.map((span) => span.name)).toEqual(['processOrder']);
    const recorded = JSON.stringify(
      failed.map((span) => ({ status: span.status, events: span.events })),
    );
    expect(recorded).toContain("unknown sku '****'");
    expect(recorded).not.toContain(CARD_AS_SKU);
  });
});
