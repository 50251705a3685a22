import { loadManifest, type Manifest } from '@tracing-demo/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { manifestProblems, readTree, type TreeFacts } from './manifest-check.ts';

let tree: TreeFacts;
beforeAll(async () => {
  tree = await readTree();
});

it('services/services.yaml and the service folders agree', () => {
  expect(manifestProblems(loadManifest(), tree)).toEqual([]);
});

it('every service folder reads the environment through its config.ts', () => {
  // The check is only as good as what loadConfig() reads; a folder that read nothing would
  // make every env name look missing, and one whose reads were not recorded would hide them.
  for (const folder of tree.folders) expect(folder.reads.has('PORT')).toBe(true);
});

describe('a manifest that disagrees with the tree', () => {
  const broken = (): Manifest => {
    const manifest = structuredClone(loadManifest());
    const bySpec = (name: string) => {
      const spec = manifest.services.find((s) => s.name === name);
      if (!spec) throw new Error(`no ${name} in the manifest`);
      return spec;
    };
    // A folder without an entry, an entry without a folder.
    manifest.services = manifest.services.filter((s) => s.name !== 'payment-service');
    manifest.services.push({ ...bySpec('loadgen'), name: 'ghost-service', port: 3999 });
    bySpec('loadgen').port = 3005;
    bySpec('api-gateway').calls['order-service'] = 'ORDERS_URL';
    bySpec('fulfillment-worker').config.prefetch = 'WORKER_PREFETCH_COUNT';
    bySpec('auth-service').demoUsers = 'USERS';
    bySpec('order-service').jwt = 'sign';
    return manifest;
  };

  it('is found out, each disagreement on its own line', () => {
    const withoutAuth = {
      ...tree,
      tsconfigReferences: tree.tsconfigReferences.filter((p) => p !== 'services/auth-service'),
    };
    expect(manifestProblems(broken(), withoutAuth).sort()).toEqual(
      [
        'services/payment-service/ has no entry in the manifest',
        'ghost-service: an entry without a folder services/ghost-service/',
        'loadgen: port 3005 in the manifest, 3010 in its src/config.ts',
        'api-gateway: calls.order-service names ORDERS_URL, which its src/config.ts does not read',
        'fulfillment-worker: config.prefetch names WORKER_PREFETCH_COUNT, which its src/config.ts does not read',
        'auth-service: demoUsers names USERS, which its src/config.ts does not read',
        'order-service: jwt names JWT_SIGNING_KEY, which its src/config.ts does not read',
        'auth-service: tsconfig.json does not reference services/auth-service',
      ].sort(),
    );
  });
});
