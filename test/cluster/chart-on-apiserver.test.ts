/**
 * The chart against a REAL Kubernetes control plane (cluster/up.sh: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, built from their Go modules by `make cluster-tools`),
 * not a renderer: every manifest must pass the API server's own validation, defaulting,
 * admission and RBAC escalation checks, `lookup` sees real objects, and uninstall is checked
 * against everything the namespace really holds. There is no kubelet: pods are created and
 * stay Pending, so `helm test` is not run here (cluster/README.md).
 *
 * Runs under `make test-cluster` only (the default vitest config excludes test/cluster):
 * the Kubernetes programs are not part of `make tools`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART, ciScenarios, manifests } from '../chart/helm.js';
import {
  api,
  apiOk,
  clusterDown,
  clusterUp,
  everythingIn,
  helmOk,
  type TestCluster,
  testCluster,
  waitFor,
} from './cluster.js';

const RELEASE = 'demo';

/** [scenario, namespace, extra helm args] for the defaults and every ci/*-values.yaml. */
const SCENARIOS: [string, string, string[]][] = [
  ['defaults', 'sc-defaults', []],
  ...ciScenarios().map(([file, path]): [string, string, string[]] => [
    file,
    `sc-${file.replace(/-values\.yaml$/, '')}`,
    ['-f', path],
  ]),
];

/**
 * ci/external-backends-values.yaml hands monitoring to a Prometheus Operator: its ServiceMonitor
 * and PrometheusRule need those CRDs. The operator's own CRDs cannot be fetched here, so these
 * stand-ins register the kinds with an open schema: the API server accepts the objects, but
 * does not check their fields (kubeconform and helm-unittest in test/chart do not either).
 */
function standInCrd(kind: string, plural: string) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.monitoring.coreos.com` },
    spec: {
      group: 'monitoring.coreos.com',
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      ],
    },
  };
}

/** Objects Kubernetes itself puts in every namespace (not the chart's). */
const KUBERNETES_OWN = ['ConfigMap/kube-root-ca.crt', 'ServiceAccount/default'];
const isEvent = (entry: string) => entry.startsWith('Event/');

/** Cluster-scoped kinds the chart may render (the collector's k8s_attributes RBAC). */
const CLUSTER_SCOPED = ['ClusterRole', 'ClusterRoleBinding'];
const clusterScopedPath = (kind: string, name: string) =>
  `/apis/rbac.authorization.k8s.io/v1/${kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings'}/${name}`;
/**
 * namespace -> the PersistentVolumeClaims its StatefulSets' volumeClaimTemplates create. Helm
 * never deletes them, and the StatefulSet controller does so on deletion only with
 * persistentVolumeClaimRetentionPolicy.whenDeleted: Delete; without it they outlive the release
 * (the data is kept on purpose, or by oversight: cluster/README.md).
 */
const keptClaims = new Map<string, RegExp[]>();
/** namespace -> the cluster-scoped objects its release created, as [kind, name]. */
const clusterScoped = new Map<string, [string, string][]>();

describe('the chart on a real API server', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = testCluster('chart');
    await clusterUp(cluster);
    const standIns: [string, string][] = [
      ['ServiceMonitor', 'servicemonitors'],
      ['PrometheusRule', 'prometheusrules'],
    ];
    for (const [kind, plural] of standIns) {
      await apiOk(
        cluster,
        'POST',
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        standInCrd(kind, plural),
      );
    }
    await waitFor('the stand-in CRDs are served', 60_000, async () => {
      for (const [, plural] of standIns) {
        const res = await api(cluster, 'GET', `/apis/monitoring.coreos.com/v1/${plural}`);
        if (res.status !== 200) return undefined;
      }
      return true;
    });
  }, 300_000);

  afterAll(async () => {
    if (cluster) await clusterDown(cluster);
  }, 120_000);

  it('serves /readyz and reports the pinned version', async () => {
    expect((await api(cluster, 'GET', '/readyz')).body).toBe('ok');
    const version = await apiOk(cluster, 'GET', '/version');
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
  });

  it.each(SCENARIOS)(
    'installs with %s: every object is accepted and stored',
    async (_name, ns, args) => {
      await helmOk(cluster, [
        'install',
        RELEASE,
        CHART,
        '--namespace',
        ns,
        '--create-namespace',
        ...args,
      ]);
      const objects = manifests(
        await helmOk(cluster, ['get', 'manifest', RELEASE, '--namespace', ns]),
      );
      expect(objects.length).toBeGreaterThan(0);
      const stored = await everythingIn(cluster, ns);
      const missing = objects
        .filter((o) => !CLUSTER_SCOPED.includes(o.kind))
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .filter((entry) => !stored.includes(entry));
      expect(missing).toEqual([]);
      for (const o of objects.filter((m) => CLUSTER_SCOPED.includes(m.kind))) {
        expect(
          (await api(cluster, 'GET', clusterScopedPath(o.kind, o.metadata.name))).status,
          `${o.kind}/${o.metadata.name}`,
        ).toBe(200);
      }
      keptClaims.set(
        ns,
        objects
          .filter(
            (m) =>
              m.kind === 'StatefulSet' &&
              m.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted !== 'Delete',
          )
          .flatMap((sts) =>
            (sts.spec?.volumeClaimTemplates ?? []).map(
              (claim: { metadata: { name: string } }) =>
                new RegExp(
                  `^PersistentVolumeClaim/${claim.metadata.name}-${sts.metadata.name}-\\d+$`,
                ),
            ),
          ),
      );
      clusterScoped.set(
        ns,
        objects
          .filter((m) => CLUSTER_SCOPED.includes(m.kind))
          .map((m) => [m.kind, m.metadata.name]),
      );
    },
  );

  it('the controller-manager creates the pods of every workload (admitted; Pending without a kubelet)', async () => {
    const ns = 'sc-defaults';
    for (const kind of ['deployments', 'statefulsets']) {
      const workloads = await apiOk(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/${kind}`);
      for (const w of workloads.items) {
        const selector = Object.entries(w.spec.selector.matchLabels as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        await waitFor(`a pod of ${kind}/${w.metadata.name}`, 60_000, async () => {
          const pods = await apiOk(
            cluster,
            'GET',
            `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`,
          );
          return pods.items.length > 0 ? true : undefined;
        });
      }
    }
  });

  it('keeps the generated Secrets (JWT key, passwords) across helm upgrade (lookup on a real cluster)', async () => {
    const ns = 'sc-defaults';
    const secretNames = manifests(
      await helmOk(cluster, ['get', 'manifest', RELEASE, '--namespace', ns]),
    )
      .filter((o) => o.kind === 'Secret')
      .map((o) => o.metadata.name);
    expect(secretNames.length).toBeGreaterThan(0);
    const read = async () =>
      Object.fromEntries(
        await Promise.all(
          secretNames.map(async (name) => [
            name,
            (await apiOk(cluster, 'GET', `/api/v1/namespaces/${ns}/secrets/${name}`)).data,
          ]),
        ),
      );
    const before = await read();
    await helmOk(cluster, ['upgrade', RELEASE, CHART, '--namespace', ns]);
    const status = await helmOk(cluster, ['status', RELEASE, '--namespace', ns, '-o', 'json']);
    expect(JSON.parse(status).version).toBe(2);
    expect(await read()).toEqual(before);
  });

  it.each(SCENARIOS)(
    "uninstall with %s leaves nothing of the release in the namespace but its StatefulSets' volume claims",
    async (_name, ns) => {
      await helmOk(cluster, ['uninstall', RELEASE, '--namespace', ns, '--wait', '--timeout', '2m']);
      const kept = (entry: string) => (keptClaims.get(ns) ?? []).some((re) => re.test(entry));
      // The garbage collector removes ReplicaSets and Pods after their owners: give it time.
      let left: string[] = [];
      try {
        await waitFor(`${ns} is empty`, 60_000, async () => {
          left = (await everythingIn(cluster, ns)).filter(
            (e) => !isEvent(e) && !KUBERNETES_OWN.includes(e) && !kept(e),
          );
          return left.length === 0 ? true : undefined;
        });
      } catch {
        // report what is left below
      }
      expect(left).toEqual([]);
      for (const [kind, name] of clusterScoped.get(ns) ?? []) {
        expect(
          (await api(cluster, 'GET', clusterScopedPath(kind, name))).status,
          `${kind}/${name}`,
        ).toBe(404);
      }
    },
  );
});
