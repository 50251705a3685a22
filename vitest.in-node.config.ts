import { defineConfig } from 'vitest/config';
import e2e from './vitest.e2e.config.ts';

/**
 * What test/cluster/chart-on-node.test.ts runs INSIDE the node's network namespace against the
 * release (E2E_STACK: its port-forwards listen there), naming the files: the end-to-end suite's,
 * and test/cluster/in-node's checks that hold only after one of its steps. The e2e config with
 * those files included.
 */
export default defineConfig({
  ...e2e,
  test: { ...e2e.test, include: ['test/e2e/**/*.test.ts', 'test/cluster/in-node/**/*.test.ts'] },
});
