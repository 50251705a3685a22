import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { repoPath, toolPath } from '@tracing-demo/platform';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);

/** Every combination of files the chart, the local stack and the tests run. */
const COMBINATIONS: [string, string[], Record<string, string>][] = [
  ['single tier / sampler tier', ['collector/otel-collector.yaml'], {}],
  [
    'sampler tier in a cluster',
    ['collector/otel-collector.yaml', 'collector/overlays/k8s-attributes.yaml'],
    {},
  ],
  [
    'front tier, static samplers',
    ['collector/otel-collector-lb.yaml', 'collector/overlays/lb-resolver-static.yaml'],
    { OTELCOL_SAMPLER_ENDPOINTS: '[127.0.0.1:14317, 127.0.0.1:24317]' },
  ],
  [
    'front tier in a cluster',
    ['collector/otel-collector-lb.yaml', 'collector/overlays/lb-resolver-k8s.yaml'],
    { OTELCOL_SAMPLER_SERVICE: 'tracing-demo-collector-sampler' },
  ],
];

describe('otelcol validate with the project build', () => {
  it.each(COMBINATIONS)('%s', async (_name, files, env) => {
    const args = ['validate', ...files.flatMap((f) => ['--config', repoPath(f)])];
    await expect(
      run(toolPath('otelcol'), args, { env: { ...process.env, ...env } }),
    ).resolves.toBeDefined();
  });
});

describe('the Kubernetes overlay', () => {
  const load = (file: string) => parse(readFileSync(repoPath(file), 'utf8'));

  it('runs the base pipeline with k8s_attributes right after memory_limiter (no drift)', () => {
    const base: string[] = load('collector/otel-collector.yaml').service.pipelines['traces/in']
      .processors;
    const overlay: string[] = load('collector/overlays/k8s-attributes.yaml').service.pipelines[
      'traces/in'
    ].processors;
    expect(overlay).toEqual([base[0], 'k8s_attributes', ...base.slice(1)]);
  });
});
