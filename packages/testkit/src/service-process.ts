import { spawnManaged, whenReady } from './managed-process.js';

export interface ServiceProcess {
  name: string;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<number | null>;
}

export interface ServiceProcessOptions {
  name: string;
  /** The service's folder (its package root): runs `dist/server.js` from there. */
  directory: string;
  port: number;
  env: Record<string, string>;
  readyPath?: string;
  timeoutMs?: number;
  /** Also append the process's output to this file. */
  logFile?: string;
}

/**
 * Runs a built service the way production does (`node --import @tracing-demo/telemetry/register
 * dist/server.js`) on 127.0.0.1 and resolves once its readiness endpoint answers 200.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const { name, directory, port, readyPath = '/readyz', timeoutMs = 30_000 } = options;
  const service = spawnManaged(
    process.execPath,
    ['--import', '@tracing-demo/telemetry/register', 'dist/server.js'],
    {
      cwd: directory,
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(port),
        OTEL_SERVICE_NAME: name,
        ...options.env,
      },
      logFile: options.logFile,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await whenReady(
    service,
    name,
    async () => (await fetch(`${url}${readyPath}`)).status === 200,
    timeoutMs,
  );
  return { name, url, output: service.output, stop: service.stop };
}
