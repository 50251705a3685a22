import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.js';

const run = promisify(execFile);

export interface PostgresServer {
  port: number;
  /** Connection URL for a database on this server. */
  url(database?: string): string;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server, keeping its data and port, as an outage would (pg_ctl stop -m fast). */
  halt(): Promise<void>;
  /** Starts it again after halt(), on the same port with the same data. */
  start(): Promise<void>;
  /** The postmaster's pid while it runs. */
  pid(): number | undefined;
  stop(): Promise<void>;
}

/** Debian installs server binaries per major version; PG_BIN overrides. */
function serverBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) {
    throw new Error(
      'PostgreSQL server binaries not found: install them with `apt-get install postgresql` (or set PG_BIN)',
    );
  }
  return join(root, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root; as root, run its programs as the `postgres` user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

function serverUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres']).stdout.toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** (Re)creates an empty database through the admin URL and returns the new database's URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name '${name}'`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A throwaway PostgreSQL on 127.0.0.1 in a temp directory: trust auth, no fsync (tests do not
 * need durability), stopped and deleted by stop().
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = serverBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'tracing-demo-pg-'));
  const ids = serverUserIds();
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const exec = (program: string, args: string[]) => {
    const [command, argv] = asServerUser(join(bin, program), args);
    return run(command, argv, { cwd: dir });
  };
  await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-k ${dir}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  };
  await start();

  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    createDatabase: (name) => createDatabase(url(), name),
    async halt() {
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    start,
    pid() {
      try {
        return (
          Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined
        );
      } catch {
        return undefined;
      }
    },
    async stop() {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
