import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/**
 * The uids provisioning/datasources/datasources.yaml gives its data sources. Dashboards name them
 * by uid (never by "default" or by name) so a renamed or extra data source cannot repoint them;
 * a test checks every uid used here exists in the provisioning file.
 */
export const PROMETHEUS = {
  type: 'prometheus',
  uid: 'prometheus',
} as const satisfies DataSourceRef;
export const TEMPO = { type: 'tempo', uid: 'tempo' } as const satisfies DataSourceRef;
