import { describe, expect, it } from 'vitest';
import {
  idToHex,
  SpanKind,
  StatusCode,
  spanKindNumber,
  spansFromLegacy,
  spansFromOtlp,
} from '../src/index.js';

describe('spansFromOtlp', () => {
  const hexTrace = '8d5049e16884b47680b66f14716c2864';
  const hexSpan = '0f25c3e154157db3';
  const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

  it("reads Tempo's /api/traces answer: batches, base64 ids, enum names", () => {
    const [only] = spansFromOtlp({
      batches: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: 'api-gateway' } }],
          },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: b64(hexTrace),
                  spanId: b64(hexSpan),
                  parentSpanId: b64('5178f59c9c59fd28'),
                  name: 'POST /api/orders',
                  kind: 'SPAN_KIND_SERVER',
                  startTimeUnixNano: '1795298172845000000',
                  endTimeUnixNano: '1795298172895123456',
                  attributes: [
                    { key: 'http.response.status_code', value: { intValue: '500' } },
                    { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }] } } },
                  ],
                  status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(only).toEqual({
      traceId: hexTrace,
      spanId: hexSpan,
      parentSpanId: '5178f59c9c59fd28',
      service: 'api-gateway',
      name: 'POST /api/orders',
      kind: 'SERVER',
      startMs: 1795298172845,
      endMs: 1795298172895.123,
      durationMs: 50.123456,
      status: { code: 'ERROR', message: 'boom' },
      attributes: { 'http.response.status_code': 500, tags: ['a'] },
      events: [],
      links: [],
      resource: { 'service.name': 'api-gateway' },
    });
  });

  it('reads /api/v2/traces (trace.resourceSpans) and OTLP/JSON (hex ids, numeric enums)', () => {
    const otlpSpan = {
      traceId: hexTrace,
      spanId: hexSpan,
      name: 'chargePayment',
      kind: 1,
      startTimeUnixNano: '1000000',
      endTimeUnixNano: '3000000',
      status: { code: 2 },
    };
    const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'payment' } }] };
    const v2 = spansFromOtlp({
      trace: { resourceSpans: [{ resource, scopeSpans: [{ spans: [otlpSpan] }] }] },
    });
    const otlp = spansFromOtlp({
      resourceSpans: [{ resource, scopeSpans: [{ spans: [otlpSpan] }] }],
    });
    for (const [parsed] of [v2, otlp]) {
      expect(parsed).toMatchObject({
        traceId: hexTrace,
        spanId: hexSpan,
        kind: 'INTERNAL',
        durationMs: 2,
        status: { code: 'ERROR' },
      });
      expect(parsed?.parentSpanId).toBeUndefined();
    }
  });

  it('treats empty and all-zero parent ids as no parent', () => {
    expect(idToHex('', 8)).toBeUndefined();
    expect(idToHex('0000000000000000', 8)).toBeUndefined();
    expect(idToHex('AAAAAAAAAAA=', 8)).toBeUndefined();
  });
});

describe('spansFromOtlp: what the test sink receives', () => {
  it('decodes events, links, nested values and the resource of an SDK export', () => {
    const [only] = spansFromOtlp({
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'payment-service' } },
              { key: 'host.name', value: { stringValue: 'pod-1' } },
            ],
          },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '8D5049E16884B47680B66F14716C2864',
                  spanId: '0f25c3e154157db3',
                  parentSpanId: '',
                  name: 'chargePayment',
                  kind: 1,
                  startTimeUnixNano: '1795298172845000000',
                  endTimeUnixNano: '1795298172845250000',
                  attributes: [
                    { key: 'retry', value: { boolValue: false } },
                    {
                      key: 'card',
                      value: {
                        kvlistValue: { values: [{ key: 'last4', value: { stringValue: '4242' } }] },
                      },
                    },
                  ],
                  events: [
                    {
                      name: 'exception',
                      timeUnixNano: '1795298172845100000',
                      attributes: [
                        { key: 'exception.message', value: { stringValue: 'declined' } },
                      ],
                    },
                  ],
                  links: [
                    {
                      traceId: 'AAECAwQFBgcICQoLDA0ODw==',
                      spanId: 'b7ad6b7169203331',
                      attributes: [{ key: 'caller', value: { stringValue: 'outside' } }],
                    },
                  ],
                  status: { code: 2, message: 'card declined' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(only).toMatchObject({
      traceId: '8d5049e16884b47680b66f14716c2864',
      service: 'payment-service',
      kind: SpanKind.INTERNAL,
      durationMs: 0.25,
      status: { code: StatusCode.ERROR, message: 'card declined' },
      attributes: { retry: false, card: { last4: '4242' } },
      events: [
        {
          name: 'exception',
          timeMs: 1795298172845.1,
          attributes: { 'exception.message': 'declined' },
        },
      ],
      links: [
        {
          traceId: '000102030405060708090a0b0c0d0e0f',
          spanId: 'b7ad6b7169203331',
          attributes: { caller: 'outside' },
        },
      ],
      resource: { 'service.name': 'payment-service', 'host.name': 'pod-1' },
    });
    expect(only?.parentSpanId).toBeUndefined();
  });

  it('numbers kinds as the wire does', () => {
    expect(spanKindNumber(SpanKind.UNSPECIFIED)).toBe(0);
    expect(spanKindNumber(SpanKind.SERVER)).toBe(2);
    expect(spanKindNumber(SpanKind.CONSUMER)).toBe(5);
  });
});

describe('spansFromLegacy', () => {
  it("reads Jaeger's /api/traces model: tags, references, processes and logs", () => {
    const spans = spansFromLegacy({
      traceID: '5049e16884b47680b66f14716c2864',
      spans: [
        {
          traceID: '5049e16884b47680b66f14716c2864',
          spanID: 'F25C3E154157DB3',
          operationName: 'POST /charges',
          references: [
            { refType: 'FOLLOWS_FROM', traceID: 'a1', spanID: 'b2' },
            { refType: 'CHILD_OF', spanID: '5178f59c9c59fd28' },
          ],
          startTime: 1_795_298_172_845_000,
          duration: 1500,
          tags: [
            { key: 'span.kind', value: 'server' },
            { key: 'otel.status_code', value: 'ERROR' },
            { key: 'otel.status_description', value: 'card declined' },
            { key: 'error', value: true },
            { key: 'http.response.status_code', value: 402 },
          ],
          logs: [
            {
              timestamp: 1_795_298_172_846_000,
              fields: [
                { key: 'event', value: 'exception' },
                { key: 'exception.type', value: 'HttpError' },
              ],
            },
          ],
          processID: 'p1',
        },
      ],
      processes: {
        p1: { serviceName: 'payment-service', tags: [{ key: 'host.name', value: 'h' }] },
      },
    });
    expect(spans).toEqual([
      {
        traceId: '005049e16884b47680b66f14716c2864',
        spanId: '0f25c3e154157db3',
        parentSpanId: '5178f59c9c59fd28',
        service: 'payment-service',
        name: 'POST /charges',
        kind: 'SERVER',
        startMs: 1795298172845,
        endMs: 1795298172846.5,
        durationMs: 1.5,
        status: { code: 'ERROR', message: 'card declined' },
        attributes: { 'http.response.status_code': 402 },
        events: [
          {
            name: 'exception',
            timeMs: 1795298172846,
            attributes: { 'exception.type': 'HttpError' },
          },
        ],
        links: [
          {
            traceId: '000000000000000000000000000000a1',
            spanId: '00000000000000b2',
            attributes: {},
          },
        ],
        resource: { 'service.name': 'payment-service', 'host.name': 'h' },
      },
    ]);
  });
});
