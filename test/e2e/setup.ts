/**
 * The end-to-end suite's stack: the platform `make local` runs (startPlatform), on free ports (so
 * it never collides with a running `make local`), without loadgen (the tests are the only
 * traffic, so counts can be exact) and Grafana, and with test parameters instead of production ones:
 * metrics flushed, scraped and evaluated every 2 s, a 20 % baseline, and an SLO objective of
 * 99 % so that a short burst of failures crosses the fast-burn threshold (14.4 × 1 %).
 *
 * E2E_STACK=<file.json> (a StackUrls) runs the suite against a stack someone else started
 * instead, e.g. the chart in a cluster (test/cluster/chart-on-node.test.ts, with the same
 * parameters in cluster/e2e-values.yaml).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifest, startPlatform } from '@tracing-demo/platform';
import type { TestProject } from 'vitest/node';
import { PLANTED, type StackUrls, SYNTHETIC_TOKEN } from './support/parameters.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackUrls;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.E2E_STACK;
  if (external) {
    const urls = JSON.parse(readFileSync(external, 'utf8')) as StackUrls;
    process.stdout.write(`[e2e stack] the stack of ${external}: gateway ${urls.gateway}\n`);
    project.provide('stack', urls);
    return;
  }
  // Kept after the run (logs to read when something failed); cleared at the next one.
  const stateDir = join(import.meta.dirname, '..', '..', '.tmp', 'e2e');
  rmSync(stateDir, { recursive: true, force: true });
  const started = Date.now();
  const progress = (message: string) => process.stdout.write(`[e2e stack] ${message}\n`);
  const stack = await startPlatform({
    services: loadManifest()
      .services.map((s) => s.name)
      .filter((name) => name !== 'loadgen'),
    ports: 'free',
    logDir: join(stateDir, 'logs'),
    stateDir,
    backends: {
      postgresql: 'start',
      rabbitmq: 'start',
      jaeger: {},
      collector: {
        env: {
          SAMPLING_BASELINE_PERCENT: '20',
          SAMPLING_WAIT_AFTER_ROOT: '1s',
          SPAN_METRICS_FLUSH_INTERVAL: '2s',
        },
      },
      prometheus: {
        scrapeInterval: '2s',
        evaluationInterval: '2s',
        ruleParameters: { 'slo:objective:ratio': 0.99 },
      },
    },
    env: {
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      RATE_LIMIT_PER_MINUTE: '100000',
      PAYMENT_FAILURE_RATE: '0',
      PAYMENT_SLOW_RATE: '0',
      // The suite's client starts each trace itself (support/client.ts): the gateway trusts it
      // by network, not by the synthetic token, whose traces tail sampling would keep whatever
      // the policies under test decide.
      TRUSTED_NETWORKS: '127.0.0.1/32,::1/128',
    },
    demoUsers: `alice@example.com:alice-password,bob@example.com:bob-password,${PLANTED.email}:${PLANTED.password}`,
    syntheticToken: SYNTHETIC_TOKEN,
    progress,
  });
  progress(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${stack.logDir}`);
  const urls = stack.urls as Required<typeof stack.urls>;
  project.provide('stack', {
    gateway: urls.gateway,
    jaeger: urls.jaeger,
    prometheus: urls.prometheus,
    collectorOtlpHttp: urls.collectorOtlpHttp,
    collectorMetrics: urls.collectorMetrics,
    collectorTelemetry: urls.collectorTelemetry,
    payment: urls.service['payment-service'] as string,
    services: urls.service,
    syntheticToken: SYNTHETIC_TOKEN,
    logDir: stack.logDir,
  });
  return () => stack.stop();
}
