/**
 * The fault drill's quick profile (docs/drill.md) as `make drill` runs it: its own platform on
 * free ports (the suite's stack is not touched), loadgen at a steady rate, every fault once.
 * The drill's exit status is the verdict on its invariants; the report is read back so that a
 * failure names the window and the invariant. Latency is reported, not asserted, in this profile.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
// Kept after the run (report, logs) to read when something failed; cleared at the next one.
const DIR = join(ROOT, '.tmp', 'drill');

interface Report {
  ok: boolean;
  crashes: string[];
  windows: {
    name: string;
    requests: { sent: number; byStatus: Record<string, number> };
    errorTraces: { expected: number; foundComplete: number };
    violations: string[];
  }[];
}

it('keeps every order and every error trace through the quick fault drill', async () => {
  rmSync(DIR, { recursive: true, force: true });
  let output = '';
  const drill = spawn(
    process.execPath,
    [join(ROOT, 'packages/cli/bin/tracing-demo.js'), 'drill', '--profile', 'quick', '--dir', DIR],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const show = (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  };
  // On a timeout the drill is told to stop, and stops the platform it started.
  onTestFinished(() => {
    if (drill.exitCode === null && drill.signalCode === null) drill.kill('SIGTERM');
  });
  drill.stdout.on('data', show);
  drill.stderr.on('data', show);
  const code = await new Promise<number | null>((resolve) => drill.on('exit', resolve));

  expect(code, output.slice(-6000)).toBe(0);
  const report = JSON.parse(readFileSync(join(DIR, 'report.json'), 'utf8')) as Report;
  expect(report.ok).toBe(true);
  expect(report.crashes).toEqual([]);
  expect(report.windows.map((w) => w.name)).toEqual([
    'warm-up',
    'steady',
    'collector-kill',
    'collector-hang',
    'collector-term',
    'trace-store-down',
    'rabbitmq-down',
    'postgresql-down',
    'payment-kill',
    'payment-faults',
  ]);
  for (const window of report.windows) {
    expect(window.violations, window.name).toEqual([]);
    expect(window.requests.sent, window.name).toBeGreaterThan(0);
    expect(window.errorTraces.foundComplete, window.name).toBe(window.errorTraces.expected);
  }
  // The faults that must cost failures did, and only the clear ones.
  const statuses = (name: string) => report.windows.find((w) => w.name === name)?.requests.byStatus;
  expect(statuses('postgresql-down')?.['503']).toBeGreaterThan(0);
  expect(statuses('postgresql-down')?.['500']).toBeUndefined();
  expect(statuses('payment-faults')?.['502']).toBeGreaterThan(0);
}, 420_000);
