import { describe, expect, it } from 'vitest';
import { defaultServiceName } from '../src/resource.js';

describe('defaultServiceName', () => {
  it('uses OTEL_SERVICE_NAME when it is set', () => {
    expect(
      defaultServiceName({
        OTEL_SERVICE_NAME: 'checkout',
        npm_package_name: '@tracing-demo/order-service',
      }),
    ).toBe('checkout');
  });

  it('falls back to the npm package name without its scope', () => {
    expect(defaultServiceName({ npm_package_name: '@tracing-demo/order-service' })).toBe(
      'order-service',
    );
    expect(defaultServiceName({ npm_package_name: 'order-service' })).toBe('order-service');
  });

  it('gives nothing when neither is known, leaving the SDK its own default', () => {
    expect(defaultServiceName({})).toBeUndefined();
  });
});
