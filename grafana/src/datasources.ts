import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** The trace stores the chart can deploy; the local stack and the tests run Jaeger. */
export type TracesBackend = 'jaeger' | 'tempo';
export const BACKENDS: readonly TracesBackend[] = ['jaeger', 'tempo'];

/**
 * The uids provisioning/datasources/*.yaml give their data sources. Dashboards name them by uid
 * (never by "default" or by name) so a renamed or extra data source cannot repoint them; a test
 * checks every uid used here is provisioned. The trace store has uid `traces` whichever it is
 * (jaeger.yaml or tempo.yaml is deployed, never both), so exemplar links and neutral dashboards
 * need not know which.
 */
export const PROMETHEUS = {
  type: 'prometheus',
  uid: 'prometheus',
} as const satisfies DataSourceRef;
export const JAEGER = { type: 'jaeger', uid: 'traces' } as const satisfies DataSourceRef;
export const TEMPO = { type: 'tempo', uid: 'traces' } as const satisfies DataSourceRef;
