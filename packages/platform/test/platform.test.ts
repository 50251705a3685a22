import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform } from '@tracing-demo/platform';
import { afterEach, expect, it } from 'vitest';

const dirs: string[] = [];
const newLogDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'platform-test-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('refuses, before starting anything, a service whose peer neither runs nor is given', async () => {
  const logDir = newLogDir();
  await expect(
    startPlatform({ services: ['payment-service', 'order-service'], logDir }),
  ).rejects.toThrow(
    'order-service calls auth-service, which is not started: start it or set AUTH_SERVICE_URL',
  );
  expect(readdirSync(logDir)).toEqual([]);
});

it('refuses a service the manifest does not have', async () => {
  const logDir = newLogDir();
  await expect(startPlatform({ services: ['inventory-service'], logDir })).rejects.toThrow(
    "no service 'inventory-service' in services/services.yaml",
  );
});
