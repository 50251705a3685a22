/**
 * `make local`: starts the supervisor (local/run.ts) in the background, shows its progress until
 * the stack is ready, and returns. `make local-down` stops it; its output stays in .local/.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PID_FILE, READY_LINE, runningSupervisor, STATE_DIR, SUPERVISOR_LOG } from './state.ts';

const running = runningSupervisor((path) => readFileSync(path, 'utf8'));
if (running) {
  process.stderr.write(
    `[local] already running (pid ${running}); \`make local-down\` stops it. Endpoints: ${join(STATE_DIR, 'stack.json')}\n`,
  );
  process.exit(1);
}

mkdirSync(STATE_DIR, { recursive: true });
const out = openSync(SUPERVISOR_LOG, 'w');
const supervisor = spawn(process.execPath, [join(import.meta.dirname, 'run.ts')], {
  detached: true,
  stdio: ['ignore', out, out],
  env: process.env,
});
closeSync(out);
writeFileSync(PID_FILE, `${supervisor.pid}\n`);

// Follow the supervisor's log until it says it is ready or exits.
let shown = 0;
const show = () => {
  const text = readFileSync(SUPERVISOR_LOG, 'utf8');
  process.stdout.write(text.slice(shown));
  shown = text.length;
  return text;
};
const exited = new Promise<number | null>((resolve) => supervisor.once('exit', resolve));
const timer = setInterval(() => {
  if (show().includes(READY_LINE)) {
    clearInterval(timer);
    supervisor.unref();
    process.exit(0);
  }
}, 250);
void exited.then((code) => {
  clearInterval(timer);
  show();
  process.stderr.write(
    `[local] the stack did not start (exit ${code}); see the output above and ${join(STATE_DIR, 'logs')}\n`,
  );
  writeFileSync(PID_FILE, '');
  process.exit(1);
});
