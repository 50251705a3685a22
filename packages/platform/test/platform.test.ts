import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform } from '@tracing-demo/platform';
import { expect, it } from 'vitest';

it('refuses, before starting anything, a service whose peer neither runs nor is given', async () => {
  const logDir = mkdtempSync(join(tmpdir(), 'platform-test-'));
  await expect(
    startPlatform({ services: ['payment-service', 'order-service'], logDir }),
  ).rejects.toThrow(
    'order-service calls auth-service, which is not started: start it or set AUTH_SERVICE_URL',
  );
  expect(readdirSync(logDir)).toEqual([]);
});

it('refuses a service the manifest does not have', async () => {
  const logDir = mkdtempSync(join(tmpdir(), 'platform-test-'));
  await expect(startPlatform({ services: ['inventory-service'], logDir })).rejects.toThrow(
    "no service 'inventory-service' in services/services.yaml",
  );
});
