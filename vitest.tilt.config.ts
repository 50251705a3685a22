import { defineConfig } from 'vitest/config';

/**
 * `make test-tilt`: the Tiltfile run by the real Tilt against the node cluster of cluster/up.sh
 * with a local registry (test/cluster/tilt). Not part of `make test` or `make test-cluster`: it
 * needs `make cluster-tools`, root, and builds every image.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/tilt/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
