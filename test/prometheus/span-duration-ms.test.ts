import { readFileSync } from 'node:fs';
import { repoPath } from '@tracing-demo/platform';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRules } from './rules.js';

/** A collector bucket bound ("5ms", "2500ms", "1s") in seconds. */
const seconds = (bound: string) => {
  const [, value, unit] = /^([\d.]+)(ms|s)$/.exec(bound) ?? [];
  if (!value) throw new Error(`unexpected bucket bound ${bound}`);
  return unit === 'ms' ? Number(value) / 1000 : Number(value);
};

it('copies every bucket of the collector histogram into the milliseconds one Jaeger reads', () => {
  const collector = parse(readFileSync(repoPath('collector/otel-collector.yaml'), 'utf8')) as {
    connectors: { span_metrics: { histogram: { unit: string; explicit: { buckets: string[] } } } };
  };
  const { histogram } = collector.connectors.span_metrics;
  expect(histogram.unit).toBe('s');
  const expected = [...histogram.explicit.buckets.map(seconds), Number.POSITIVE_INFINITY].map(
    (s) => ({
      source: s === Number.POSITIVE_INFINITY ? '+Inf' : String(s),
      ms: s === Number.POSITIVE_INFINITY ? '+Inf' : String(Math.round(s * 1000)),
    }),
  );
  const copies = loadRules()
    .filter((r) => r.record === 'traces_span_metrics_duration_milliseconds_bucket')
    .map((r) => ({
      source: /traces_span_metrics_duration_seconds_bucket\{le="([^"]+)"\}/.exec(r.expr)?.[1],
      ms: r.labels?.le,
    }));
  expect(copies).toEqual(expected);

  const jaeger = readFileSync(repoPath('jaeger/jaeger.yaml'), 'utf8');
  expect(jaeger).toMatch(/metric_namespace: traces_span_metrics\n\s+latency_unit: ms\n/);
});
