import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PortForward,
  type V1Deployment,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { CliError, UnreachableError } from '../errors.js';
import { networkReason } from '../http.js';
import { firstReadyPod, openTunnel, resolveTargetPort, type Tunnel } from './port-forward.js';
import type { Workload } from './readiness.js';

/** What verify needs from Kubernetes; a test passes its own. */
export interface KubeClient {
  /** The API server, for messages. */
  server: string;
  /** The current context's namespace (in a pod: its own), else `default`. */
  defaultNamespace: string;
  listWorkloads(namespace: string, labelSelector: string): Promise<Workload[]>;
  /** A local tunnel to a ready pod behind `service`, reaching what its `port` targets. */
  forwardService(namespace: string, service: string, port: number): Promise<Tunnel>;
}

export function workloadFromDeployment(d: V1Deployment): Workload {
  return {
    kind: 'Deployment',
    name: d.metadata?.name ?? '?',
    desired: d.spec?.replicas ?? 1,
    ready: d.status?.readyReplicas ?? 0,
    updated: d.status?.updatedReplicas ?? 0,
    generation: d.metadata?.generation,
    observedGeneration: d.status?.observedGeneration,
  };
}

export function workloadFromStatefulSet(s: V1StatefulSet): Workload {
  return {
    kind: 'StatefulSet',
    name: s.metadata?.name ?? '?',
    desired: s.spec?.replicas ?? 1,
    ready: s.status?.readyReplicas ?? 0,
    updated: s.status?.updatedReplicas ?? 0,
    generation: s.metadata?.generation,
    observedGeneration: s.status?.observedGeneration,
  };
}

/**
 * What went wrong talking to the API, in words: the API's own message for an HTTP error (403
 * names the missing RBAC permission), or why it could not be reached and where config comes
 * from.
 */
/** The API server did not answer at all: a network error or a timeout, no HTTP status. */
function unanswered(error: unknown): boolean {
  const failure = error as { code?: unknown; cause?: { code?: string }; name?: string };
  if (typeof failure.code === 'number' && failure.code >= 100) return false;
  return Boolean(failure.cause?.code) || failure.name === 'TimeoutError';
}

export function kubeErrorMessage(error: unknown, server: string, doing: string): string {
  const failure = error as {
    code?: number;
    body?: unknown;
    message?: string;
    cause?: { code?: string };
  };
  if (typeof failure.code === 'number' && failure.code >= 100) {
    let detail =
      typeof failure.body === 'string' ? failure.body : JSON.stringify(failure.body ?? '');
    try {
      detail = (JSON.parse(detail) as { message?: string }).message ?? detail;
    } catch {}
    return `${doing}: the Kubernetes API answered ${failure.code}: ${detail}`;
  }
  if (unanswered(error))
    return (
      `${doing}: cannot reach the Kubernetes API at ${server} (${networkReason(error, 10_000)}): ` +
      'is the cluster up, and the kube context the right one?'
    );
  return `${doing}: talking to the Kubernetes API at ${server}: ${failure.message ?? String(error)}`;
}

/**
 * The real client: configuration from KUBECONFIG, ~/.kube/config or the pod's service account
 * (KubeConfig.loadFromDefault), port-forwarding through the API server's websocket.
 */
export function createKubeClient(config?: KubeConfig): KubeClient {
  const kc = config ?? new KubeConfig();
  if (!config) {
    kc.loadFromDefault();
    // With nothing to load, loadFromDefault settles for http://localhost:8080, which 2.x then
    // refuses to use: say what is actually missing.
    if (kc.getCurrentContext() === 'loaded-context' && kc.getCurrentCluster()?.name === 'cluster')
      throw new CliError(
        'no Kubernetes configuration: set KUBECONFIG, create ~/.kube/config, or run in a pod ' +
          'with a service account (or --local for the local stack)',
      );
  }
  const server = kc.getCurrentCluster()?.server ?? '(no cluster configured)';
  const context = kc.getContextObject(kc.getCurrentContext());
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const guard = async <T>(doing: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof CliError) throw error;
      const message = kubeErrorMessage(error, server, doing);
      throw unanswered(error) ? new UnreachableError(message, server) : new CliError(message);
    }
  };
  return {
    server,
    defaultNamespace: context?.namespace?.trim() || 'default',
    listWorkloads: (namespace, labelSelector) =>
      guard(`listing workloads in ${namespace}`, async () => {
        const [deployments, statefulSets] = await Promise.all([
          apps.listNamespacedDeployment({ namespace, labelSelector }),
          apps.listNamespacedStatefulSet({ namespace, labelSelector }),
        ]);
        return [
          ...deployments.items.map(workloadFromDeployment),
          ...statefulSets.items.map(workloadFromStatefulSet),
        ];
      }),
    forwardService: (namespace, serviceName, port) =>
      guard(`port-forwarding to service ${namespace}/${serviceName}`, async () => {
        const service = await core.readNamespacedService({ name: serviceName, namespace });
        const selector = service.spec?.selector ?? {};
        if (Object.keys(selector).length === 0)
          throw new CliError(`service ${namespace}/${serviceName} has no selector to find pods by`);
        const labelSelector = Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        const pods = await core.listNamespacedPod({ namespace, labelSelector });
        const pod = firstReadyPod(pods.items);
        if (!pod?.metadata?.name)
          throw new CliError(
            `no ready pod behind service ${namespace}/${serviceName} (selector ${labelSelector})`,
          );
        const targetPort = resolveTargetPort(service, pod, port);
        return openTunnel(new PortForward(kc), {
          namespace,
          pod: pod.metadata.name,
          port: targetPort,
          label: `svc/${serviceName}:${port} (pod ${pod.metadata.name}:${targetPort})`,
        });
      }),
  };
}
