import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RestartableProcess,
  restartable,
  spawnManaged,
  whenReady,
} from './managed-process.js';
import { repoPath } from './tools.js';

/** What production loads with `node --import`: the telemetry bootstrap. */
const REGISTER = '@tracing-demo/telemetry/register';

export interface ServiceProcess {
  name: string;
  url: string;
  /** The current process's pid (a new one after process.start()). */
  readonly pid: number;
  logFile: string;
  /** The process, to signal, stop and start again on the same port (a drill). */
  process: RestartableProcess;
  /** The log file so far: everything the process wrote to stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (null when a signal ended it). */
  stop(): Promise<number | null>;
}

export interface ServiceProcessOptions {
  name: string;
  /** The service's folder, services/<name> unless given: runs its `dist/server.js` from there. */
  directory?: string;
  port: number;
  env: Record<string, string>;
  /** Where its stdout and stderr go; if unset, a temp file that stop() reads and deletes. */
  logFile?: string;
  /** What `node --import` loads instead of the project's register (a benchmark candidate). */
  register?: string;
  timeoutMs?: number;
}

/**
 * Runs a built service the way production does (`node --import <register> dist/server.js`) on
 * 127.0.0.1 and resolves once its /readyz answers 200.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const { name, port, timeoutMs = 60_000 } = options;
  const tempDir = options.logFile
    ? undefined
    : mkdtempSync(join(tmpdir(), `tracing-demo-${name}-`));
  const logFile = options.logFile ?? join(tempDir as string, `${name}.log`);
  const url = `http://127.0.0.1:${port}`;
  const service = await restartable(async () => {
    const started = spawnManaged(
      process.execPath,
      ['--import', options.register ?? REGISTER, 'dist/server.js'],
      {
        cwd: options.directory ?? repoPath('services', name),
        env: {
          PATH: process.env.PATH ?? '',
          HOST: '127.0.0.1',
          PORT: String(port),
          OTEL_SERVICE_NAME: name,
          ...options.env,
        },
        logFile,
      },
    );
    await whenReady(
      started,
      name,
      async () => (await fetch(`${url}/readyz`)).status === 200,
      timeoutMs,
    );
    return started;
  });
  let kept: string | undefined;
  return {
    name,
    url,
    get pid() {
      return service.pid;
    },
    logFile,
    process: service,
    output: () => kept ?? service.output(),
    async stop() {
      const code = await service.stop();
      if (tempDir && kept === undefined) {
        kept = service.output();
        rmSync(tempDir, { recursive: true, force: true });
      }
      return code;
    },
  };
}
