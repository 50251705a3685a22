import { describe, expect, it } from 'vitest';
import { resourceAttributes, resourceAttributesFromEnv } from '../src/resource.js';

describe('resourceAttributesFromEnv', () => {
  it('maps the K8S_* variables the chart sets to k8s.* resource attributes', () => {
    const attributes = resourceAttributesFromEnv({
      K8S_NAMESPACE_NAME: 'shop',
      K8S_POD_NAME: 'order-service-7d9f-abcde',
      K8S_POD_UID: '0f1e2d3c-aaaa-bbbb-cccc-111122223333',
      K8S_NODE_NAME: 'node-1',
      K8S_DEPLOYMENT_NAME: 'order-service',
    });

    expect(attributes).toEqual({
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'order-service-7d9f-abcde',
      'k8s.pod.uid': '0f1e2d3c-aaaa-bbbb-cccc-111122223333',
      'k8s.node.name': 'node-1',
      'k8s.deployment.name': 'order-service',
    });
  });

  it('adds no k8s.* attributes outside Kubernetes, nor for empty variables', () => {
    expect(resourceAttributesFromEnv({})).toEqual({});
    expect(resourceAttributesFromEnv({ K8S_POD_NAME: '', K8S_NODE_NAME: '' })).toEqual({});
  });

  it('adds only the variables that are set', () => {
    expect(resourceAttributesFromEnv({ K8S_NAMESPACE_NAME: 'shop' })).toEqual({
      'k8s.namespace.name': 'shop',
    });
  });

  it('takes service.version from SERVICE_VERSION, else from the npm package version', () => {
    expect(resourceAttributesFromEnv({ npm_package_version: '0.1.0' })).toEqual({
      'service.version': '0.1.0',
    });
    expect(
      resourceAttributesFromEnv({ SERVICE_VERSION: '1.4.2', npm_package_version: '0.1.0' }),
    ).toEqual({ 'service.version': '1.4.2' });
  });

  it('ignores unrelated variables', () => {
    expect(resourceAttributesFromEnv({ HOSTNAME: 'pod-1', K8S_CLUSTER: 'prod' })).toEqual({});
  });
});

describe('resourceAttributes', () => {
  it("adds the process id and Node's version to the environment's attributes", () => {
    expect(resourceAttributes({ K8S_POD_NAME: 'order-service-7d9f-abcde' })).toEqual({
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      'k8s.pod.name': 'order-service-7d9f-abcde',
    });
  });

  it('leaves a key OTEL_RESOURCE_ATTRIBUTES sets to it (the SDK would let ours win)', () => {
    const attributes = resourceAttributes({
      OTEL_RESOURCE_ATTRIBUTES: 'service.version=2.0.0, k8s.pod.name=pod-a,process.pid=7',
      SERVICE_VERSION: '1.0.0',
      K8S_POD_NAME: 'pod-b',
      K8S_NODE_NAME: 'node-1',
    });
    expect(attributes).toEqual({
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      'k8s.node.name': 'node-1',
    });
  });
});
