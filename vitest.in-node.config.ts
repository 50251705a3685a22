import { defineConfig } from 'vitest/config';

/**
 * What test/cluster/chart-on-node.test.ts runs INSIDE the node's network namespace against the
 * release (E2E_STACK: its port-forwards listen there), naming the files: the end-to-end suite's,
 * and test/cluster/in-node's checks that hold only after one of its steps. Same setup and
 * settings as vitest.e2e.config.ts.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts', 'test/cluster/in-node/**/*.test.ts'],
    globalSetup: ['test/e2e/setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
