/** Where the local stack keeps its state, and how its supervisor says it is up. */
import { join } from 'node:path';

export const STATE_DIR = join(import.meta.dirname, '..', '.local');
/** The supervisor's pid while `make local` runs. */
export const PID_FILE = join(STATE_DIR, 'stack.pid');
/** The supervisor's own output (progress, then the summary). */
export const SUPERVISOR_LOG = join(STATE_DIR, 'stack.log');
export const READY_LINE = '[local] ready: `make local-down` (or Ctrl-C in the foreground) stops it';

/** The pid in PID_FILE if that process is still alive. */
export function runningSupervisor(read: (path: string) => string): number | undefined {
  let pid: number;
  try {
    pid = Number(read(PID_FILE).trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
