import { defineConfig } from 'vitest/config';

/**
 * The end-to-end acceptance suite (test/e2e) over one whole local stack (test/e2e/setup.ts).
 * Files run one after another: they share the stack and some change its faults, and the
 * exact-count assertions need to be the only traffic while they run.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
