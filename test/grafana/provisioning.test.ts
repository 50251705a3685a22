import { readFileSync } from 'node:fs';
import { repoPath } from '@tracing-demo/testkit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allPanels, committedDashboards } from './dashboard-queries.ts';

const read = (path: string) => parse(readFileSync(repoPath(path), 'utf8'));
const datasources = read('grafana/provisioning/datasources/datasources.yaml');
const providers = read('grafana/provisioning/dashboards/dashboards.yaml');

interface DataSource {
  uid: string;
  type: string;
  url: string;
  jsonData: Record<string, unknown> & {
    exemplarTraceIdDestinations?: { name: string; datasourceUid: string }[];
    serviceMap?: { datasourceUid: string };
    tracesToMetrics?: { datasourceUid: string };
  };
}
const sources = datasources.datasources as DataSource[];
const byUid = new Map(sources.map((source) => [source.uid, source]));

describe('datasources.yaml', () => {
  it('defines Prometheus and Tempo with fixed uids and URLs from the environment', () => {
    expect(datasources.apiVersion).toBe(1);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's env syntax, not JS
    expect(byUid.get('prometheus')).toMatchObject({ type: 'prometheus', url: '${PROMETHEUS_URL}' });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's env syntax, not JS
    expect(byUid.get('tempo')).toMatchObject({ type: 'tempo', url: '${TEMPO_URL}' });
  });

  it('links exemplars to Tempo by trace_id, and Tempo back to Prometheus', () => {
    const prometheus = byUid.get('prometheus') as DataSource;
    expect(prometheus.jsonData.exemplarTraceIdDestinations).toContainEqual(
      expect.objectContaining({ name: 'trace_id', datasourceUid: 'tempo' }),
    );
    expect(prometheus.jsonData.manageAlerts).toBe(true);
    const tempo = byUid.get('tempo') as DataSource;
    expect(tempo.jsonData.serviceMap?.datasourceUid).toBe('prometheus');
    expect(tempo.jsonData.tracesToMetrics?.datasourceUid).toBe('prometheus');
    expect(tempo.jsonData.nodeGraph).toEqual({ enabled: true });
  });

  it('every data source uid a dashboard or a data source refers to is defined', () => {
    const used = new Set<string>();
    for (const dashboard of committedDashboards().values()) {
      for (const panel of allPanels(dashboard)) {
        if (panel.datasource?.uid) used.add(panel.datasource.uid);
        for (const target of panel.targets ?? []) {
          if (target.datasource?.uid) used.add(target.datasource.uid);
        }
      }
    }
    for (const source of sources) {
      for (const ref of [
        ...(source.jsonData.exemplarTraceIdDestinations ?? []).map((d) => d.datasourceUid),
        source.jsonData.serviceMap?.datasourceUid,
        source.jsonData.tracesToMetrics?.datasourceUid,
      ]) {
        if (ref) used.add(ref);
      }
    }
    expect([...used].sort()).toEqual(['prometheus', 'tempo']);
    for (const uid of used) expect(byUid.has(uid), uid).toBe(true);
  });
});

describe('dashboards.yaml', () => {
  it('has one file provider reading the directory the chart mounts the generated JSON into', () => {
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toHaveLength(1);
    expect(providers.providers[0]).toMatchObject({
      type: 'file',
      allowUiUpdates: false,
      options: { path: '/var/lib/grafana/dashboards/tracing-demo' },
    });
  });
});
