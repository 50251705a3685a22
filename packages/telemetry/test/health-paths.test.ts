import { describe, expect, it } from 'vitest';
import { isHealthPath } from '../src/health-paths.js';

describe('isHealthPath', () => {
  it.each(['/healthz', '/readyz', '/readyz?verbose=1'])('is true for the probe %s', (url) => {
    expect(isHealthPath(url)).toBe(true);
  });

  it.each(['/orders', '/healthz/extra', '/api/healthz', '/healthzz', '/', ''])(
    'is false for %j, which is traced',
    (url) => {
      expect(isHealthPath(url)).toBe(false);
    },
  );

  it('is false when there is no URL', () => {
    expect(isHealthPath(undefined)).toBe(false);
  });
});
