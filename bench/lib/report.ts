/** Tables on stdout (and in the README) and the JSON result files. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LoadSample, loadSample, type MachineInfo, machineInfo } from './machine.ts';

export const BENCH_DIR = join(import.meta.dirname, '..');
export const RESULTS_DIR = join(BENCH_DIR, 'results');

export type Cell = string | number | null | undefined;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  notes?: string[];
}

const show = (cell: Cell) => (cell === undefined || cell === null ? '–' : String(cell));

/** A Markdown table: readable on a terminal and pasted as is into bench/README.md. */
export function renderTable(table: Table): string {
  const header = `| ${table.columns.join(' | ')} |`;
  const rule = `| ${table.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`;
  const body = table.rows.map((row) => `| ${row.map(show).join(' | ')} |`);
  const notes = (table.notes ?? []).map((note) => `\n${note}`);
  return [`**${table.title}**`, '', header, rule, ...body, ...notes].join('\n');
}

/** Rounds for display: `digits` after the point. */
export const fixed = (value: number | undefined, digits = 1): string | undefined =>
  value === undefined || !Number.isFinite(value) ? undefined : value.toFixed(digits);

export const percent = (ratio: number | undefined, digits = 1): string | undefined =>
  ratio === undefined || !Number.isFinite(ratio) ? undefined : `${(ratio * 100).toFixed(digits)}%`;

export const mib = (bytes: number | undefined): string | undefined =>
  bytes === undefined ? undefined : (bytes / 2 ** 20).toFixed(1);

export interface BenchResult {
  name: string;
  mode: 'quick' | 'full';
  command: string;
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  /** Load average when the benchmark started and ended: other work on the machine. */
  load: { start: LoadSample; end: LoadSample };
  /** Benchmark-specific settings and measurements. */
  settings: Record<string, unknown>;
  data: unknown;
  tables: Table[];
  /** The findings in a line each, printed and shown in bench/README.md. */
  headlines: string[];
  /** Issue 20's keys this benchmark measures (`services_us_per_span`, …), merged into summary.json. */
  summary?: Record<string, number>;
}

/** What a benchmark's run returns. */
export interface Outcome {
  /** The result file's name when not the benchmark's (`compare-<mode>`). */
  resultName?: string;
  settings: Record<string, unknown>;
  data: unknown;
  tables: Table[];
  headlines?: string[];
  /**
   * Issue 20's keys (see bench/lib/summary.ts). A benchmark that still returns its headline
   * lines here (the layout before summary.json) is read as such.
   */
  summary?: Record<string, number> | string[];
}

/** Splits an outcome's or an older result file's `summary` into headlines and keys. */
export function normalize<T extends Outcome>(
  outcome: T,
): Omit<T, 'summary' | 'headlines'> & { headlines: string[]; summary?: Record<string, number> } {
  const { summary, headlines, ...rest } = outcome;
  if (Array.isArray(summary)) return { ...rest, headlines: [...(headlines ?? []), ...summary] };
  return summary === undefined
    ? { ...rest, headlines: headlines ?? [] }
    : { ...rest, headlines: headlines ?? [], summary };
}

/** Reads a result file, old layouts included; undefined when there is none. */
export function readResult(name: string, quick: boolean): BenchResult | undefined {
  const path = resultPath(name, quick);
  if (!existsSync(path)) return undefined;
  return normalize(JSON.parse(readFileSync(path, 'utf8')) as BenchResult & Outcome);
}

export interface BenchContext {
  quick: boolean;
  /** `--key=value` arguments of run.ts, for the benchmark that reads them. */
  options: Record<string, string>;
  log(message: string): void;
  /** A directory for logs and data of this run, removed afterwards unless BENCH_KEEP=1. */
  workDir: string;
}

export interface Benchmark {
  name: string;
  description: string;
  run(context: BenchContext): Promise<Outcome>;
}

export function resultPath(name: string, quick: boolean): string {
  return join(RESULTS_DIR, quick ? `${name}.quick.json` : `${name}.json`);
}

export async function runBenchmark(
  benchmark: Benchmark,
  context: BenchContext,
  command: string,
): Promise<BenchResult> {
  const start = loadSample();
  const began = performance.now();
  const { resultName, ...outcome } = await benchmark.run(context);
  const name = resultName ?? benchmark.name;
  const result: BenchResult = {
    name,
    mode: context.quick ? 'quick' : 'full',
    command,
    startedAt: start.at,
    durationSeconds: Math.round((performance.now() - began) / 1000),
    machine: machineInfo(),
    load: { start, end: loadSample() },
    ...normalize(outcome),
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    resultPath(name, context.quick),
    `${JSON.stringify(result, (_key, value) => (typeof value === 'bigint' ? Number(value) : value), 2)}\n`,
  );
  return result;
}
