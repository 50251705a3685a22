/**
 * `make local-down`: asks the supervisor `make local` started to stop everything it started,
 * and waits. If it has not finished in a minute, kills its whole process group.
 */
import { readFileSync, rmSync } from 'node:fs';
import { PID_FILE, runningSupervisor } from './state.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const pid = runningSupervisor((path) => readFileSync(path, 'utf8'));
if (!pid) {
  process.stdout.write('[local] nothing to stop: no local stack is running\n');
  rmSync(PID_FILE, { force: true });
  process.exit(0);
}
process.stdout.write(`[local] stopping the local stack (pid ${pid})…\n`);
process.kill(pid, 'SIGTERM');
const deadline = Date.now() + 60_000;
while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
if (alive(pid)) {
  process.stderr.write('[local] still running after 60 s: killing its process group\n');
  process.kill(-pid, 'SIGKILL');
}
rmSync(PID_FILE, { force: true });
process.stdout.write('[local] stopped\n');
