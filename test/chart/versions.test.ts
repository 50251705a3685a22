import { readFileSync } from 'node:fs';
import { repoPath } from '@tracing-demo/platform';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** tools/versions.env as NAME -> value. */
const versions = Object.fromEntries(
  readFileSync(repoPath('tools/versions.env'), 'utf8')
    .split('\n')
    .map((line) => /^([A-Z0-9_]+)=(\S+)$/.exec(line))
    .flatMap((match) => (match ? [[match[1], match[2]]] : [])),
) as Record<string, string>;
const values = parse(readFileSync(repoPath('charts/tracing-demo/values.yaml'), 'utf8'));

describe('the upstream images the chart deploys are the releases the tests run (tools/versions.env)', () => {
  it.each([
    ['jaeger', 'jaegertracing/jaeger', versions.JAEGER_RELEASE],
    ['collector', 'otel/opentelemetry-collector-contrib', versions.OTELCOL_VERSION],
    ['prometheus', 'prom/prometheus', `v${versions.PROMETHEUS_VERSION}`],
  ])('%s.image is %s:%s', (key, repository, tag) => {
    expect(tag).toMatch(/^v?\d+\.\d+\.\d+$/);
    expect(values[key].image).toMatchObject({ repository, tag });
  });
});
