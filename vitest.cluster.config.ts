import { defineConfig } from 'vitest/config';

/**
 * `make test-cluster`: the chart against a real Kubernetes control plane (test/cluster, which
 * starts its own with cluster/up.sh). Not part of `make test`: it needs `make cluster-tools` and root (the default config excludes
 * test/cluster).
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    // Run by chart-on-node.test.ts inside the node (vitest.in-node.config.ts), not from here;
    // test/cluster/tilt is `make test-tilt` (vitest.tilt.config.ts).
    exclude: ['test/cluster/in-node/**', 'test/cluster/tilt/**'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
