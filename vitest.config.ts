import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      // integration, collector, jaeger, prometheus, grafana: against the real programs
      'test/**/*.test.ts',
    ],
    // The end-to-end suite runs over its own whole stack (vitest.e2e.config.ts); the cluster
    // suite needs the control-plane tools of `make cluster-tools` (vitest.cluster.config.ts).
    exclude: ['test/e2e/**', 'test/cluster/**', '**/node_modules/**'],
    // One PostgreSQL for the whole run; each test file creates its own database in it.
    globalSetup: ['test/setup/postgres.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only make the real processes fight for CPU.
    maxWorkers: 2,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
