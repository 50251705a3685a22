import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { counter, parsePrometheusText, scrape, sumOf } from '../src/index.js';

const TEXT = `# HELP otelcol_exporter_sent_spans Number of spans sent.
# TYPE otelcol_exporter_sent_spans counter
otelcol_exporter_sent_spans{exporter="otlphttp/traces",service_name="otelcol"} 120
otelcol_exporter_sent_spans{exporter="debug",service_name="otelcol"} 3
otelcol_receiver_accepted_spans_total{receiver="otlp",transport="http"} 7 1700000000000
http_requests_total{path="/a \\"quoted\\" b",code="200"} 2 # {trace_id="abc"} 1.0
latency_bucket{le="+Inf"} 9
gauge_nan NaN
`;

describe('parsePrometheusText', () => {
  const samples = parsePrometheusText(TEXT);

  it('reads names, escaped label values and values; skips comments, timestamps and exemplars', () => {
    expect(samples).toHaveLength(6);
    expect(samples[3]).toEqual({
      name: 'http_requests_total',
      labels: { path: '/a "quoted" b', code: '200' },
      value: 2,
    });
    expect(samples[2]?.value).toBe(7);
    expect(samples[4]).toEqual({ name: 'latency_bucket', labels: { le: '+Inf' }, value: 9 });
    expect(samples[5]?.value).toBeNaN();
  });

  it('takes +Inf and -Inf as values', () => {
    expect(parsePrometheusText('a +Inf\nb -Inf').map((s) => s.value)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
  });

  it('sums the series whose labels include the ones asked for', () => {
    expect(sumOf(samples, 'otelcol_exporter_sent_spans')).toBe(123);
    expect(sumOf(samples, 'otelcol_exporter_sent_spans', { exporter: 'debug' })).toBe(3);
    expect(sumOf(samples, 'no_such_metric')).toBe(0);
  });

  it('finds a counter with or without _total, and says when there is none', () => {
    expect(counter(samples, 'otelcol_exporter_sent_spans_total')).toBe(123);
    expect(counter(samples, 'otelcol_receiver_accepted_spans')).toBe(7);
    expect(counter(samples, 'otelcol_exporter_sent_spans', { exporter: 'nope' })).toBeUndefined();
  });
});

describe('scrape', () => {
  it('GETs and parses a metrics endpoint, and throws on an error status', async () => {
    const server = createServer((request, response) => {
      if (request.url === '/metrics') response.end(TEXT);
      else response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(sumOf(await scrape(`${base}/metrics`), 'otelcol_exporter_sent_spans')).toBe(123);
      await expect(scrape(`${base}/other`)).rejects.toThrow(/503/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
