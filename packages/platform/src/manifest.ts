import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'yaml';
import { repoPath } from './tools.js';

export type Exposure = 'public' | 'cluster' | 'none';

/** One entry of services/services.yaml; the file's header says what each field means. */
export interface ServiceSpec {
  name: string;
  description: string;
  port: number;
  exposure: Exposure;
  /** Peer service → the environment variable that holds its URL. */
  calls: Record<string, string>;
  postgresql: boolean;
  rabbitmq: boolean;
  jwt?: 'sign' | 'verify';
  /** The environment variable with the demo users' email:password list. */
  demoUsers?: string;
  syntheticToken: boolean;
  /** Key under services.<name>.config in the chart's values → its environment variable. */
  config: Record<string, string>;
}

export interface Manifest {
  file: string;
  /** In start order: a service comes after those it calls. */
  services: ServiceSpec[];
}

/** The environment variables the manifest's flags stand for. */
export const ENV = {
  postgresql: 'DATABASE_URL',
  rabbitmq: 'AMQP_URL',
  jwtSign: 'JWT_SIGNING_KEY',
  /** Where a verifier fetches the signer's JWKS. */
  jwtVerify: 'AUTH_SERVICE_URL',
  syntheticToken: 'SYNTHETIC_TOKEN',
} as const;

export const MANIFEST_FILE = repoPath('services', 'services.yaml');

const FIELDS = [
  'description',
  'port',
  'exposure',
  'calls',
  'postgresql',
  'rabbitmq',
  'jwt',
  'demoUsers',
  'syntheticToken',
  'config',
];
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

export function loadManifest(file = MANIFEST_FILE): Manifest {
  return parseManifest(readFileSync(file, 'utf8'), file);
}

/** Parses and validates; an error names the file, the service and the field in one line. */
export function parseManifest(text: string, file = MANIFEST_FILE): Manifest {
  const where = relative(repoPath(), file) || file;
  const fail = (service: string | undefined, field: string | undefined, message: string) => {
    const at = [service && `service '${service}'`, field && `field '${field}'`].filter(Boolean);
    throw new Error(`${where}: ${[...at, message].join(': ')}`);
  };
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    return fail(undefined, undefined, `not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const entries = isObject(document) ? document.services : undefined;
  if (!isObject(entries) || Object.keys(entries).length === 0) {
    return fail(undefined, 'services', 'must be a map of service name to its entry');
  }
  const services: ServiceSpec[] = [];
  const ports = new Map<number, string>();
  for (const [name, entry] of Object.entries(entries)) {
    const bad = (field: string | undefined, message: string) => fail(name, field, message);
    if (!SERVICE_NAME.test(name)) bad(undefined, 'the name must be lowercase letters, digits, -');
    if (!isObject(entry)) return bad(undefined, 'must be a map of fields');
    for (const field of Object.keys(entry)) {
      if (!FIELDS.includes(field)) bad(field, `unknown field (known: ${FIELDS.join(', ')})`);
    }
    const flag = (field: string) => {
      const value = entry[field] ?? false;
      if (typeof value !== 'boolean') bad(field, `must be true or false (got ${show(value)})`);
      return value as boolean;
    };
    const envName = (field: string, value: unknown) => {
      if (typeof value !== 'string' || !ENV_NAME.test(value)) {
        bad(field, `must be an environment variable name like FOO_URL (got ${show(value)})`);
      }
      return value as string;
    };
    const envMap = (field: string) => {
      const value = entry[field] ?? {};
      if (!isObject(value)) return bad(field, `must be a map (got ${show(value)})`);
      return Object.fromEntries(
        Object.entries(value).map(([key, env]) => [key, envName(`${field}.${key}`, env)]),
      );
    };

    const { description, port, exposure, jwt, demoUsers } = entry;
    if (typeof description !== 'string' || description.trim() === '') {
      bad('description', 'must be a one-line text');
    }
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
      bad('port', `must be an integer 1-65535 (got ${show(port)})`);
    }
    const taken = ports.get(port as number);
    if (taken) bad('port', `${port} is already ${taken}'s`);
    ports.set(port as number, name);
    if (exposure !== 'public' && exposure !== 'cluster' && exposure !== 'none') {
      bad('exposure', `must be public, cluster or none (got ${show(exposure)})`);
    }
    if (jwt !== undefined && jwt !== 'sign' && jwt !== 'verify') {
      bad('jwt', `must be sign or verify (got ${show(jwt)})`);
    }
    const calls = envMap('calls');
    for (const peer of Object.keys(calls)) {
      const callee = services.find((s) => s.name === peer);
      if (!callee) bad(`calls.${peer}`, 'no such service before this one (start order)');
      if (callee?.exposure === 'none') bad(`calls.${peer}`, `${peer} has exposure none`);
    }
    if (jwt === 'verify' && !services.some((s) => s.jwt === 'sign')) {
      bad('jwt', 'verify needs a service with jwt: sign before this one');
    }
    if (jwt === 'sign' && services.some((s) => s.jwt === 'sign')) {
      bad('jwt', 'only one service signs');
    }
    services.push({
      name,
      description: description as string,
      port: port as number,
      exposure: exposure as Exposure,
      calls,
      postgresql: flag('postgresql'),
      rabbitmq: flag('rabbitmq'),
      ...(jwt === undefined ? {} : { jwt: jwt as 'sign' | 'verify' }),
      ...(demoUsers === undefined ? {} : { demoUsers: envName('demoUsers', demoUsers) }),
      syntheticToken: flag('syntheticToken'),
      config: envMap('config'),
    });
  }
  return { file, services };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
