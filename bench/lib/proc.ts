/**
 * What the benchmarks read from /proc: CPU seconds and memory of a process (and its children),
 * the whole machine's busy time, and which process listens on a port.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const CLOCK_TICKS =
  Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface StatFields {
  ppid: number;
  /** utime + stime, seconds. */
  own: number;
  /** cutime + cstime (children already reaped), seconds. */
  reaped: number;
}

function readStat(pid: number): StatFields | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(fields[i - 3]);
  return { ppid: n(4), own: (n(14) + n(15)) / CLOCK_TICKS, reaped: (n(16) + n(17)) / CLOCK_TICKS };
}

/** CPU seconds (user + system) the process has used so far; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  return readStat(pid)?.own ?? 0;
}

/** One scan of /proc: every live process's stat fields, and its children by parent pid. */
function scanProcesses(): { stats: Map<number, StatFields>; children: Map<number, number[]> } {
  const children = new Map<number, number[]>();
  const stats = new Map<number, StatFields>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    stats.set(pid, stat);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  return { stats, children };
}

function descendants(root: number, children: Map<number, number[]>): number[] {
  const found: number[] = [];
  const walk = (pid: number) => {
    found.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return found;
}

/** A process and every live descendant. */
export const processTree = (root: number): number[] => descendants(root, scanProcesses().children);

/**
 * CPU seconds of a process and every live descendant, plus what reaped children used (how
 * PostgreSQL's backends and short-lived helpers are counted).
 */
export function treeCpuSeconds(root: number): number {
  const { stats, children } = scanProcesses();
  let total = 0;
  for (const pid of descendants(root, children)) {
    const stat = stats.get(pid);
    if (stat) total += stat.own + stat.reaped;
  }
  return total;
}

/** A PostgreSQL client backend's process title: `postgres: <user> <database> <host>(<port>) …`. */
const BACKEND_TITLE = /^postgres: \S+ (\S+) (?:\[local\]|[\d.:a-f]+\(\d+\))/;

/**
 * PostgreSQL's live client backends: pid → database and CPU seconds so far, told apart by their
 * process titles (background workers, autovacuum included, have none of the form).
 */
export function postgresBackends(
  postmaster: number,
): Map<number, { database: string; cpu: number }> {
  const { stats, children } = scanProcesses();
  const backends = new Map<number, { database: string; cpu: number }>();
  for (const pid of children.get(postmaster) ?? []) {
    let title: string;
    try {
      title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    const database = BACKEND_TITLE.exec(title)?.[1];
    const stat = stats.get(pid);
    if (database && stat) backends.set(pid, { database, cpu: stat.own });
  }
  return backends;
}

function statusField(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident set size now, bytes. */
export const rssBytes = (pid: number) => statusField(pid, 'VmRSS');
/** Peak resident set size over the process's life (VmHWM), bytes. */
export const rssPeakBytes = (pid: number) => statusField(pid, 'VmHWM');

/** Busy and total CPU time of the whole machine so far (all cores), seconds. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [, ...values] = line.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number) as number[];
  const busy =
    (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return { busy: busy / CLOCK_TICKS, total: (busy + (idle ?? 0) + (iowait ?? 0)) / CLOCK_TICKS };
}

/** The pid of the process listening on a TCP port on this machine (ss, as root sees all). */
export function pidListeningOn(port: number): number {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const match = /pid=(\d+)/.exec(out);
  if (!match) throw new Error(`no process listens on port ${port}`);
  return Number(match[1]);
}

/** Pins every thread of a process to the given CPUs (taskset -a -p -c). */
export function pinProcess(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/**
 * Pins a process and every live descendant, all their threads; what they start later inherits
 * it. A process that exits meanwhile is skipped.
 */
export function pinTree(root: number, cpus: string): void {
  for (const pid of processTree(root)) {
    try {
      pinProcess(pid, cpus);
    } catch (error) {
      if (readStat(pid)) throw error;
    }
  }
}

/** Every CPU of the machine as a taskset list, e.g. "0-1": what unpins. */
export const ALL_CPUS = `0-${cpus().length - 1}`;

export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return [one ?? 0, five ?? 0, fifteen ?? 0];
}
