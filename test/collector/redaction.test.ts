import { randomBytes } from 'node:crypto';
import {
  type OtlpSink,
  type SamplingCollector,
  type SyntheticSpan,
  sendSpans,
  startSamplingCollector,
  waitFor,
} from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The redaction processor's card-number pattern in collector/otel-collector.yaml, through the
 * real collector, one value per span: card numbers as people write them are masked wherever
 * they appear in a value, and ids that only look numeric stay as they are. The UUIDs are
 * order ids the pattern before this test masked in part (about 1 in 790 random ones), which
 * made their traces unfindable by `{ span.order.id = "…" }`.
 */
const CARDS = [
  '4242424242424242',
  '4111 1111 1111 1111',
  '4242-4242-4242-4242',
  '4000000000000002',
  '4222222222222', // 13 digits
  '6011000990139424123', // 19 digits
  '6011-0009-9013-9424-123',
  '378282246310005', // Amex
  '3782 822463 10005',
  '3056-930902-5904', // Diners, 14 digits
  'paid with card=4242424242424242&x=1',
];
const NOT_CARDS = [
  '04ebcf75-e0ab-4ae3-8668-759155662456',
  '93952524-8792-4313-96e4-6668df6c7e4f',
  '12345678-1234-4123-8123-123456789012',
  '123456789012', // 12 digits
  '4242 4242 4242', // 12 digits in groups
  '+49 30 1234 5678',
  'SKU-COFFEE x2, total 1299',
];

const newId = (bytes: number) => randomBytes(bytes).toString('hex');

let sampling: SamplingCollector;
let sink: OtlpSink;
const traceId = newId(16);
const spanOf = new Map<string, string>();

beforeAll(async () => {
  sampling = await startSamplingCollector({
    SAMPLING_BASELINE_PERCENT: '100',
    SAMPLING_WAIT_AFTER_ROOT: '1s',
  });
  sink = sampling.tempo;
  const rootId = newId(8);
  const now = Date.now() - 100;
  const span = (spanId: string, value?: string): SyntheticSpan => ({
    traceId,
    spanId,
    ...(value === undefined ? {} : { parentSpanId: rootId }),
    service: 'order-service',
    name: value === undefined ? 'POST /orders' : 'probe',
    kind: value === undefined ? 2 : 1,
    startMs: now,
    durationMs: 10,
    attributes: value === undefined ? {} : { 'order.note': value },
  });
  const spans = [span(rootId)];
  for (const value of [...CARDS, ...NOT_CARDS]) {
    const id = newId(8);
    spanOf.set(value, id);
    spans.push(span(id, value));
  }
  expect(await sendSpans(sampling.collector.otlpHttpUrl, spans)).toBe(200);
  await waitFor(
    'the probe trace to be exported',
    () => sink.trace(traceId).length === spans.length,
  );
});

afterAll(async () => {
  await sampling?.stop();
});

const exportedValue = (value: string) =>
  sink.trace(traceId).find((s) => s.spanId === spanOf.get(value))?.attributes['order.note'];

describe('the card-number pattern of the redaction processor', () => {
  it('masks every card number, alone or inside a longer value', () => {
    const digitsOf = (value: string) => value.replace(/\D/g, '');
    const leaked = CARDS.filter((card) => {
      const exported = String(exportedValue(card));
      return !exported.includes('****') || digitsOf(exported).includes(digitsOf(card).slice(-8));
    });
    expect(leaked).toEqual([]);
    expect(exportedValue(CARDS.at(-1) as string)).toBe('paid with card=****&x=1');
  });

  it('keeps UUIDs and other values with shorter digit runs as they are', () => {
    const changed = NOT_CARDS.filter((value) => exportedValue(value) !== value);
    expect(changed).toEqual([]);
  });
});
