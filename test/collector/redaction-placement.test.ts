import {
  newSpanId,
  newTraceId,
  postTraces,
  type SamplingCollector,
  startSamplingCollector,
  waitFor,
} from '@tracing-demo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Where collector/otel-collector.yaml masks secret-looking values, through the real collector:
 * span, event and scope attributes after tail sampling (only the spans that are kept are
 * stored, so only they pay for it), resource attributes before the connectors (span_metrics
 * copies them to its series, which Prometheus shows on target_info). One kept (error) trace
 * carries a planted e-mail address and card number in each of those places.
 */
const EMAIL = 'planted.placement@example.org';
const CARD = '4111 1111 1111 1111';

let sampling: SamplingCollector;
const traceId = newTraceId();

const text = (key: string, value: string) => ({ key, value: { stringValue: value } });

beforeAll(async () => {
  sampling = await startSamplingCollector({
    SAMPLING_WAIT_AFTER_ROOT: '1s',
    SPAN_METRICS_FLUSH_INTERVAL: '1s',
  });
  const startNs = BigInt(Date.now() - 100) * 1_000_000n;
  const request = {
    resourceSpans: [
      {
        resource: {
          attributes: [
            text('service.name', 'payment-service'),
            text('service.namespace', `team ${EMAIL}`),
          ],
        },
        scopeSpans: [
          {
            scope: { name: 'placement', attributes: [text('scope.owner', EMAIL)] },
            spans: [
              {
                traceId,
                spanId: newSpanId(),
                name: 'POST /charges',
                kind: 2,
                startTimeUnixNano: String(startNs),
                endTimeUnixNano: String(startNs + 10_000_000n),
                attributes: [text('http.route', '/charges'), text('payment.note', CARD)],
                events: [
                  {
                    name: 'exception',
                    timeUnixNano: String(startNs + 5_000_000n),
                    attributes: [text('exception.message', `card ${CARD} of ${EMAIL} declined`)],
                  },
                ],
                status: { code: 2, message: 'declined' },
              },
            ],
          },
        ],
      },
    ],
  };
  expect(await postTraces(sampling.collector.otlpHttpUrl, request)).toBe(200);
  await waitFor('the planted trace to be exported', () => sampling.store.trace(traceId).length > 0);
});

afterAll(async () => {
  await sampling?.stop();
});

describe('secret-looking values', () => {
  it('are masked in the span, its events and its scope before the span is stored', () => {
    const [span] = sampling.store.trace(traceId);
    expect(span?.attributes['payment.note']).toBe('****');
    expect(span?.events.map((e) => e.attributes['exception.message'])).toEqual([
      'card **** of **** declined',
    ]);
    const stored = sampling.store.rawBodies.join('\n');
    expect(stored).not.toContain(EMAIL);
    expect(stored).not.toContain(CARD);
  });

  it('are masked in resource attributes before they become metric labels', async () => {
    const metrics = await waitFor(
      "span metrics with the planted resource's series",
      async () => {
        const body = await (await fetch(sampling.collector.metricsUrl)).text();
        return body.includes('team ****') && body;
      },
      { timeoutMs: 15_000 },
    );
    expect(metrics).not.toContain(EMAIL);
  });
});
