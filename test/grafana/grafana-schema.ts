import { repoPath } from '@tracing-demo/platform';
import { createGenerator } from 'ts-json-schema-generator';

/**
 * Grafana's dashboard schema as JSON Schema, derived from the Dashboard type that
 * @grafana/grafana-foundation-sdk generates from Grafana's own (CUE) schema. Derived at test
 * time from the installed SDK, so it moves with the SDK version and nothing is copied here.
 */
export function grafanaDashboardSchema(): Record<string, unknown> {
  const schema = createGenerator({
    path: repoPath('node_modules/@grafana/grafana-foundation-sdk/dist/dashboard/types.gen.d.ts'),
    type: 'Dashboard',
    skipTypeCheck: true,
  }).createSchema('Dashboard');
  // A panel's queries are a composable slot in Grafana's schema: each data source plugin defines
  // its own fields. The SDK types it as an empty interface, which would read as "no fields".
  (schema.definitions as Record<string, unknown>).Dataquery = { type: 'object' };
  return schema as Record<string, unknown>;
}
