import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { waitFor } from './wait.js';

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
  const child: ChildProcess = spawn(
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
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    log?.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.once('exit', () => log?.end());
  const url = `http://127.0.0.1:${port}`;
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code] = (await exited) as [number | null];
    clearTimeout(killer);
    return code;
  };
  try {
    await waitFor(
      `${name} to become ready on ${url}${readyPath}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
        const response = await fetch(`${url}${readyPath}`);
        return response.status === 200;
      },
      { timeoutMs },
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${output}`);
  }
  return { name, url, output: () => output, stop };
}
