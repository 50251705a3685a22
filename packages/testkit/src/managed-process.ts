import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { waitFor } from './wait.js';

export interface ManagedProcess {
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  running(): boolean;
  /** SIGTERM, then SIGKILL after the grace (15 s by default); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a program with its output kept in memory and, if asked, appended to a log file. */
export function spawnManaged(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; logFile?: string; stopGraceMs?: number },
): ManagedProcess {
  const child: ChildProcess = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    log?.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = once(child, 'exit');
  void exited.then(() => log?.end());
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    output: () => output,
    running,
    async stop() {
      if (running()) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs ?? 15_000);
        await exited;
        clearTimeout(killer);
      }
      return child.exitCode;
    },
  };
}

/**
 * Waits until `ready` says yes; if the process exits or the deadline passes, stops it and
 * throws with the tail of what it printed, which is what a person needs to see.
 */
export async function whenReady(
  process: ManagedProcess,
  name: string,
  ready: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  try {
    await waitFor(
      `${name} to become ready`,
      async () => {
        if (!process.running()) throw new Error(`${name} exited`);
        return ready();
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch (error) {
    await process.stop();
    throw new Error(
      `${(error as Error).message}\n--- ${name} output ---\n${process.output().slice(-4000)}`,
    );
  }
}

/** The port of a `host:port` value. */
export function portOf(hostPort: string): number {
  return Number(hostPort.split(':').pop());
}

/**
 * freePort() hands out a port that was free a moment ago; with tests running in parallel another
 * process can bind it first. A harness that chose its own ports starts again with new ones.
 */
export async function retryOnPortClash<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const clash = /address already in use/.test((error as Error).message);
      if (!clash || attempt >= attempts) throw error;
    }
  }
}
