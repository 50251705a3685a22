/**
 * The end-to-end suite's stack: the same local/stack.ts `make local` runs, on free ports (so it
 * never collides with a running `make local`), without loadgen (the tests are the only
 * traffic, so counts can be exact), and with test parameters instead of production ones:
 * metrics flushed, scraped and evaluated every 2 s, a 20 % baseline, and an SLO objective of
 * 99 % so that a short burst of failures crosses the fast-burn threshold (14.4 × 1 %).
 *
 * E2E_STACK=<file.json> (a StackUrls) runs the suite against a stack someone else started
 * instead, e.g. the chart in a cluster (test/cluster/chart-on-node.test.ts, with the same
 * parameters in cluster/e2e-values.yaml).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../local/stack.ts';
import { PLANTED, type StackUrls } from './support/parameters.ts';

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
  const stack = await startLocalStack({
    stateDir,
    ports: 'free',
    loadgen: false,
    serviceEnv: {
      RATE_LIMIT_PER_MINUTE: '100000',
      PAYMENT_FAILURE_RATE: '0',
      PAYMENT_SLOW_RATE: '0',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      // The suite's client starts each trace itself (support/client.ts): the gateway trusts it
      // by network, not by the synthetic token, whose traces tail sampling would keep whatever
      // the policies under test decide.
      TRUSTED_NETWORKS: '127.0.0.1/32,::1/128',
      DEMO_USERS: `alice@example.com:alice-password,bob@example.com:bob-password,${PLANTED.email}:${PLANTED.password}`,
    },
    collectorEnv: {
      SAMPLING_BASELINE_PERCENT: '20',
      SAMPLING_WAIT_AFTER_ROOT: '1s',
      SPAN_METRICS_FLUSH_INTERVAL: '2s',
    },
    prometheus: {
      scrapeInterval: '2s',
      evaluationInterval: '2s',
      ruleParameters: { 'slo:objective:ratio': 0.99 },
    },
    progress,
  });
  progress(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${stack.logDir}`);
  project.provide('stack', {
    gateway: stack.urls.gateway,
    jaeger: stack.urls.jaeger,
    prometheus: stack.urls.prometheus,
    collectorOtlpHttp: stack.urls.collectorOtlpHttp,
    collectorMetrics: stack.urls.collectorMetrics,
    collectorTelemetry: stack.urls.collectorTelemetry,
    payment: stack.urls.service['payment-service'],
    logDir: stack.logDir,
  });
  return () => stack.stop();
}
