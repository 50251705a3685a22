import { MANIFEST_FILE, parseManifest } from '@tracing-demo/platform';
import { expect, it } from 'vitest';

const entry = (fields: string) =>
  `services:\n  auth-service:\n    description: login\n    port: 3001\n    exposure: cluster\n${fields}`;

it('reads the entries in start order with every flag given a value', () => {
  const manifest = parseManifest(
    `${entry('    jwt: sign\n')}  api-gateway:\n    description: edge\n    port: 3000\n    exposure: public\n    calls:\n      auth-service: AUTH_SERVICE_URL\n    jwt: verify\n`,
  );
  expect(manifest.file).toBe(MANIFEST_FILE);
  expect(manifest.services.map((s) => s.name)).toEqual(['auth-service', 'api-gateway']);
  expect(manifest.services[1]).toEqual({
    name: 'api-gateway',
    description: 'edge',
    port: 3000,
    exposure: 'public',
    calls: { 'auth-service': 'AUTH_SERVICE_URL' },
    postgresql: false,
    rabbitmq: false,
    jwt: 'verify',
    syntheticToken: false,
    config: {},
  });
});

it.each([
  ['    port: 99999\n', "field 'port': must be an integer 1-65535 (got 99999)"],
  ['    postgres: true\n', "field 'postgres': unknown field"],
  ['    rabbitmq: yes please\n', `field 'rabbitmq': must be true or false (got "yes please")`],
  ['    config:\n      ttl: jwt-ttl\n', `field 'config.ttl': must be an environment variable name`],
  ['    calls:\n      order-service: ORDER_SERVICE_URL\n', "field 'calls.order-service': no such"],
  ['    jwt: verify\n', "field 'jwt': verify needs a service with jwt: sign before this one"],
])('names the file, the service and the field: %j', (fields, message) => {
  const text = entry(fields).replace(
    '    port: 3001\n',
    fields.includes('port') ? '' : '    port: 3001\n',
  );
  expect(() => parseManifest(text)).toThrow(
    `services/services.yaml: service 'auth-service': ${message}`,
  );
});

it('refuses a port used twice', () => {
  const text = `${entry('')}  other-service:\n    description: x\n    port: 3001\n    exposure: none\n`;
  expect(() => parseManifest(text)).toThrow(
    "services/services.yaml: service 'other-service': field 'port': 3001 is already auth-service's",
  );
});
