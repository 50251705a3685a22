import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const servicesDir = join(import.meta.dirname, '..', '..', 'services');

/**
 * Services that only send requests: their spans are INTERNAL and CLIENT, so a row of entry-span
 * RED metrics would always be empty. (loadgen reports what it sent at its /report endpoint.)
 */
export const CLIENT_ONLY = new Set(['loadgen']);

/**
 * The platform's services that answer requests, read from the workspace packages under services/ so that adding a
 * service adds its dashboard row without a second list to forget. The name is the package name
 * without its scope: the telemetry bootstrap's default `service.name` (packages/telemetry).
 */
export function readServices(dir: string = servicesDir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const manifest = JSON.parse(readFileSync(join(dir, entry.name, 'package.json'), 'utf8')) as {
        name: string;
      };
      return manifest.name.replace(/^@[^/]+\//, '');
    })
    .filter((name) => !CLIENT_ONLY.has(name))
    .sort();
}
