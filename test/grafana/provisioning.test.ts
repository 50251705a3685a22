import { readdirSync, readFileSync } from 'node:fs';
import { repoPath } from '@tracing-demo/platform';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  allPanels,
  BACKENDS,
  deployedDashboards,
  type TracesBackend,
} from './dashboard-queries.ts';

const DIR = 'grafana/provisioning/datasources';
const read = (path: string) => parse(readFileSync(repoPath(path), 'utf8'));
const providers = read('grafana/provisioning/dashboards/dashboards.yaml');

interface DataSource {
  name: string;
  uid: string;
  type: string;
  url: string;
  jsonData: Record<string, unknown> & {
    exemplarTraceIdDestinations?: { name: string; datasourceUid: string }[];
    serviceMap?: { datasourceUid: string };
    tracesToMetrics?: { datasourceUid: string };
    nodeGraph?: { enabled: boolean };
  };
}
interface ProvisioningFile {
  apiVersion: number;
  deleteDatasources?: { name: string }[];
  datasources: DataSource[];
}
const file = (name: string) => read(`${DIR}/${name}`) as ProvisioningFile;

/**
 * The jsonData keys each data source type documents for provisioning (Grafana's docs:
 * datasources/prometheus/configure "Provision the Prometheus data source",
 * datasources/jaeger/configure "Provision the data source", datasources/tempo/
 * configure-tempo-data-source/provision): a misspelt key is silently ignored by Grafana.
 */
const DOCUMENTED_KEYS: Record<string, string[]> = {
  prometheus: [
    'httpMethod',
    'manageAlerts',
    'allowAsRecordingRulesTarget',
    'prometheusType',
    'prometheusVersion',
    'cacheLevel',
    'disableRecordingRules',
    'timeInterval',
    'incrementalQueryOverlapWindow',
    'exemplarTraceIdDestinations',
  ],
  jaeger: ['tracesToLogsV2', 'tracesToMetrics', 'nodeGraph', 'traceIdTimeParams', 'spanBar'],
  tempo: [
    'tracesToLogsV2',
    'tracesToMetrics',
    'tracesToProfiles',
    'serviceMap',
    'nodeGraph',
    'search',
    'traceQuery',
    'spanBar',
    'streamingEnabled',
  ],
};

/** What an install with this trace store provisions: prometheus.yaml and the store's file. */
const deployed = (backend: TracesBackend) => [
  ...file('prometheus.yaml').datasources,
  ...file(`${backend}.yaml`).datasources,
];

it('one file for Prometheus and one per trace store, nothing else', () => {
  expect(readdirSync(repoPath(DIR)).sort()).toEqual(
    ['prometheus.yaml', ...BACKENDS.map((b) => `${b}.yaml`)].sort(),
  );
});

describe('prometheus.yaml', () => {
  const [prometheus, ...others] = file('prometheus.yaml').datasources as DataSource[];

  it('defines Prometheus only, with a fixed uid and its URL from the environment', () => {
    expect(file('prometheus.yaml').apiVersion).toBe(1);
    expect(others).toEqual([]);
    expect(prometheus).toMatchObject({
      type: 'prometheus',
      uid: 'prometheus',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's env syntax, not JS
      url: '${PROMETHEUS_URL}',
    });
    expect(prometheus?.jsonData.manageAlerts).toBe(true);
  });

  it('links exemplars by trace_id to the trace store, whichever is deployed', () => {
    expect(prometheus?.jsonData.exemplarTraceIdDestinations).toContainEqual(
      expect.objectContaining({ name: 'trace_id', datasourceUid: 'traces' }),
    );
  });
});

describe.each(BACKENDS)('%s.yaml', (backend) => {
  const provisioning = file(`${backend}.yaml`);
  const [store, ...others] = provisioning.datasources;

  it('defines the trace store only: uid traces, its URL from TRACES_URL', () => {
    expect(provisioning.apiVersion).toBe(1);
    expect(others).toEqual([]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's env syntax, not JS
    expect(store).toMatchObject({ type: backend, uid: 'traces', url: '${TRACES_URL}' });
  });

  it('replaces either store’s data source left from an earlier install', () => {
    const names = (provisioning.deleteDatasources ?? []).map((d) => d.name).sort();
    expect(names).toEqual(['Jaeger', 'Tempo']);
  });

  it('links spans to their RED metrics and shows the node graph', () => {
    expect(store?.jsonData.tracesToMetrics?.datasourceUid).toBe('prometheus');
    expect(store?.jsonData.nodeGraph).toEqual({ enabled: true });
    if (backend === 'tempo') expect(store?.jsonData.serviceMap?.datasourceUid).toBe('prometheus');
  });

  it('every uid a deployed dashboard or data source refers to is provisioned, with its type', () => {
    const sources = deployed(backend);
    const typeOf = new Map(sources.map((source) => [source.uid, source.type]));
    // uid and type: both stores have uid `traces`, so a dashboard must also name the right type.
    const used = new Set<string>();
    for (const dashboard of deployedDashboards(backend).values()) {
      for (const panel of allPanels(dashboard)) {
        const targets: { datasource?: { uid?: string; type?: string } }[] = panel.targets ?? [];
        for (const ref of [panel.datasource, ...targets.map((t) => t.datasource)]) {
          if (ref?.uid) used.add(`${ref.uid} ${ref.type}`);
        }
      }
    }
    for (const source of sources) {
      for (const ref of [
        ...(source.jsonData.exemplarTraceIdDestinations ?? []).map((d) => d.datasourceUid),
        source.jsonData.serviceMap?.datasourceUid,
        source.jsonData.tracesToMetrics?.datasourceUid,
      ]) {
        if (ref) used.add(`${ref} ${typeOf.get(ref)}`);
      }
    }
    expect([...used].sort()).toEqual(['prometheus prometheus', `traces ${backend}`]);
  });
});

describe.each(['prometheus', ...BACKENDS])('%s.yaml jsonData', (name) => {
  it('uses only keys Grafana documents for the type', () => {
    for (const source of file(`${name}.yaml`).datasources) {
      const documented = DOCUMENTED_KEYS[source.type] ?? [];
      expect(Object.keys(source.jsonData).filter((key) => !documented.includes(key))).toEqual([]);
    }
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
