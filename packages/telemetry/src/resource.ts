import type { Attributes } from '@opentelemetry/api';

/**
 * Pod identity the detectors cannot know, passed by the chart through the downward API (absent
 * locally).
 */
const KUBERNETES_ENV: Record<string, string> = {
  K8S_NAMESPACE_NAME: 'k8s.namespace.name',
  K8S_POD_NAME: 'k8s.pod.name',
  K8S_POD_UID: 'k8s.pod.uid',
  K8S_NODE_NAME: 'k8s.node.name',
  K8S_DEPLOYMENT_NAME: 'k8s.deployment.name',
};

export function resourceAttributesFromEnv(env: NodeJS.ProcessEnv = process.env): Attributes {
  const attributes: Attributes = {};
  const version = env.SERVICE_VERSION ?? env.npm_package_version;
  if (version) attributes['service.version'] = version;
  for (const [variable, attribute] of Object.entries(KUBERNETES_ENV)) {
    const value = env[variable];
    if (value) attributes[attribute] = value;
  }
  return attributes;
}

/**
 * What the bootstrap adds to the SDK's resource (OTEL_NODE_RESOURCE_DETECTORS=service): which
 * process and Node version sent a span, and the pod identity from the environment. A key that
 * OTEL_RESOURCE_ATTRIBUTES sets is left to it: the SDK merges these after it, so they would win.
 */
export function resourceAttributes(env: NodeJS.ProcessEnv = process.env): Attributes {
  const attributes: Attributes = {
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    ...resourceAttributesFromEnv(env),
  };
  for (const pair of env.OTEL_RESOURCE_ATTRIBUTES?.split(',') ?? []) {
    delete attributes[pair.split('=')[0]?.trim() ?? ''];
  }
  return attributes;
}

/** OTEL_SERVICE_NAME, else the package name: better than the SDK's `unknown_service:node`. */
export function defaultServiceName(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OTEL_SERVICE_NAME) return env.OTEL_SERVICE_NAME;
  const packageName = env.npm_package_name;
  return packageName ? packageName.replace(/^@[^/]+\//, '') : undefined;
}
