/**
 * What services/services.yaml claims about a service against what its folder does: the port
 * and the environment variables its src/config.ts really reads (through service-kit too).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { ENV, type Manifest, repoPath } from '@tracing-demo/platform';

export interface ServiceFolder {
  name: string;
  /** The port loadConfig() picks with no PORT set: the default it passes to serverConfigFromEnv. */
  defaultPort: number;
  /** Every environment variable loadConfig() looked up. */
  reads: Set<string>;
}

export interface TreeFacts {
  folders: ServiceFolder[];
  /** The `path`s of the root tsconfig.json's references. */
  tsconfigReferences: string[];
}

/** The environment variables an entry says the service reads, each with the field that says so. */
export function declaredEnv(spec: Manifest['services'][number]): [string, string][] {
  return [
    ...Object.entries(spec.calls).map(([peer, env]): [string, string] => [`calls.${peer}`, env]),
    ...Object.entries(spec.config).map(([key, env]): [string, string] => [`config.${key}`, env]),
    ...(spec.demoUsers ? [['demoUsers', spec.demoUsers] as [string, string]] : []),
    ...(spec.postgresql ? [['postgresql', ENV.postgresql] as [string, string]] : []),
    ...(spec.rabbitmq ? [['rabbitmq', ENV.rabbitmq] as [string, string]] : []),
    ...(spec.jwt === 'sign' ? [['jwt', ENV.jwtSign] as [string, string]] : []),
    ...(spec.jwt === 'verify' ? [['jwt', ENV.jwtVerify] as [string, string]] : []),
    ...(spec.syntheticToken ? [['syntheticToken', ENV.syntheticToken] as [string, string]] : []),
  ];
}

/** Every way the manifest and the tree disagree, one line each; none when they agree. */
export function manifestProblems(manifest: Manifest, tree: TreeFacts): string[] {
  const problems: string[] = [];
  const entries = new Map(manifest.services.map((spec) => [spec.name, spec]));
  const folders = new Map(tree.folders.map((folder) => [folder.name, folder]));
  for (const name of folders.keys()) {
    if (!entries.has(name)) problems.push(`services/${name}/ has no entry in the manifest`);
  }
  for (const spec of manifest.services) {
    const folder = folders.get(spec.name);
    if (!folder) {
      problems.push(`${spec.name}: an entry without a folder services/${spec.name}/`);
      continue;
    }
    if (folder.defaultPort !== spec.port) {
      problems.push(
        `${spec.name}: port ${spec.port} in the manifest, ${folder.defaultPort} in its src/config.ts`,
      );
    }
    for (const [field, env] of declaredEnv(spec)) {
      if (!folder.reads.has(env)) {
        problems.push(`${spec.name}: ${field} names ${env}, which its src/config.ts does not read`);
      }
    }
    if (!tree.tsconfigReferences.includes(`services/${spec.name}`)) {
      problems.push(`${spec.name}: tsconfig.json does not reference services/${spec.name}`);
    }
  }
  return problems;
}

/** Runs the service's loadConfig() over an empty environment that records what is looked up. */
export async function readServiceFolder(name: string): Promise<ServiceFolder> {
  const module = (await import(repoPath('services', name, 'src', 'config.ts'))) as {
    loadConfig(env: NodeJS.ProcessEnv): { server: { port: number } };
  };
  const reads = new Set<string>();
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get(_target, key) {
      if (typeof key === 'string') reads.add(key);
      return undefined;
    },
  });
  return { name, defaultPort: module.loadConfig(env).server.port, reads };
}

/** The folders of services/ that hold a service (a package with src/config.ts), and tsconfig. */
export async function readTree(): Promise<TreeFacts> {
  const names = readdirSync(repoPath('services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => existsSync(repoPath('services', name, 'package.json')));
  const tsconfig = JSON.parse(readFileSync(repoPath('tsconfig.json'), 'utf8')) as {
    references: { path: string }[];
  };
  return {
    folders: await Promise.all(names.map(readServiceFolder)),
    tsconfigReferences: tsconfig.references.map((reference) => reference.path),
  };
}
