import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { waitFor } from './wait.js';

export interface ManagedProcess {
  pid: number;
  /** What the process wrote to stdout and stderr: its log file, or memory without one. */
  output(): string;
  running(): boolean;
  /** Sends a signal (SIGKILL, SIGSTOP, SIGCONT, …) to the process, if it still runs. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after the grace (15 s by default); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts a program. Given a log file, its stdout and stderr are appended there by the kernel and
 * never pass through this process (at benchmark rates a service writes MBs a second); without
 * one they are kept in memory, for short-lived programs in tests.
 */
export function spawnManaged(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; logFile?: string; stopGraceMs?: number },
): ManagedProcess {
  const { logFile } = options;
  const fd = logFile ? openSync(logFile, 'a') : undefined;
  const child: ChildProcess = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
  });
  if (fd !== undefined) closeSync(fd);
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // A spawn failure (a missing binary) ends the process as an exit would.
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
    output += `\n${error.message}\n`;
  });
  const exited = once(child, 'exit').catch(() => undefined);
  const running = () => !spawnError && child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid ?? 0,
    output: () => (logFile ? readFileSync(logFile, 'utf8') : output),
    running,
    signal(signal) {
      if (running()) child.kill(signal);
    },
    async stop() {
      if (running()) {
        // A stopped (SIGSTOP) process would not act on SIGTERM until continued.
        child.kill('SIGCONT');
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
    // An exit ends the wait at once: its output says why, and waiting on would only delay that.
    let exited = false;
    await waitFor(
      `${name} to become ready`,
      async () => {
        if (!process.running()) exited = true;
        return exited || ready();
      },
      { timeoutMs, intervalMs: 200 },
    );
    if (exited) throw new Error(`${name} exited before it was ready`);
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

/** A program that can be signalled, stopped and started again with the same settings. */
export interface RestartableProcess {
  /** The current process's pid. */
  readonly pid: number;
  output(): string;
  running(): boolean;
  signal(signal: NodeJS.Signals): void;
  /** Stops the process (SIGTERM, then SIGKILL), keeping its ports and data for start(). */
  stop(): Promise<number | null>;
  /** Starts it again, after stop() or a crash, and resolves once it is ready. */
  start(): Promise<void>;
}

/** Wraps `launch` (spawn + wait until ready) so the program can be started again the same way. */
export async function restartable(
  launch: () => Promise<ManagedProcess>,
): Promise<RestartableProcess> {
  let current = await launch();
  return {
    get pid() {
      return current.pid;
    },
    output: () => current.output(),
    running: () => current.running(),
    signal: (signal) => current.signal(signal),
    stop: () => current.stop(),
    async start() {
      if (current.running()) throw new Error(`pid ${current.pid} still runs: stop it first`);
      current = await launch();
    },
  };
}
