/**
 * node bench/run.ts [name…] [--quick]
 *
 * Runs the named benchmarks (all of the default set when none is named), prints each one's
 * tables and writes bench/results/<name>.json (<name>.quick.json with --quick, so a smoke run
 * never replaces the published numbers), then bench/results/summary.json (summary.quick.json)
 * from every benchmark's latest result file. `--readme` only regenerates summary.json and
 * bench/README.md's results section from the result files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectorCapacity } from './collector-capacity.ts';
import { compare } from './compare.ts';
import { updateReadme } from './lib/readme.ts';
import { type Benchmark, renderTable, runBenchmark } from './lib/report.ts';
import { writeSummary } from './lib/summary.ts';
import { overhead } from './overhead.ts';
import { samplingEconomy } from './sampling-economy.ts';
import { timeToVisibility } from './time-to-visibility.ts';

/** What `node bench/run.ts` runs; the others only when named. */
const DEFAULT = [overhead, collectorCapacity, samplingEconomy, timeToVisibility];
const ALL: Benchmark[] = [...DEFAULT, compare];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const readmeOnly = args.includes('--readme');
const names = args.filter((arg) => !arg.startsWith('--'));
/** `--mode=order`, `--variants=a,b`: options for the benchmark named (compare). */
const options = Object.fromEntries(
  args.flatMap((arg) => {
    const m = /^--([a-z]+)=(.*)$/.exec(arg);
    return m ? [[m[1] as string, m[2] as string]] : [];
  }),
);
const unknownFlags = args.filter(
  (arg) => arg.startsWith('--') && !['--quick', '--readme'].includes(arg) && !arg.includes('='),
);

if (args.includes('--help') || args.includes('-h') || unknownFlags.length > 0) {
  process.stdout.write(
    [
      'usage: node bench/run.ts [name…] [--quick] [--readme] [--key=value…]',
      '',
      ...ALL.map(
        (b) =>
          `  ${b.name.padEnd(20)} ${b.description}${DEFAULT.includes(b) ? '' : ' (only when named)'}`,
      ),
      '',
      '  --quick   ~1 minute each, for smoke-checking; writes bench/results/<name>.quick.json',
      '  --readme  only regenerate results/summary.json and the results section of bench/README.md',
      '  compare:  --mode=service|order|floor --variants=a,b,… (see bench/compare.ts)',
      '',
    ].join('\n'),
  );
  process.exit(unknownFlags.length > 0 ? 2 : 0);
}

const unknown = names.filter((name) => !ALL.some((b) => b.name === name));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${ALL.map((b) => b.name).join(', ')}\n`,
  );
  process.exit(2);
}

if (readmeOnly) {
  writeSummary(
    ALL.map((b) => b.name),
    false,
  );
  updateReadme();
  process.exit(0);
}

const selected = names.length > 0 ? ALL.filter((b) => names.includes(b.name)) : DEFAULT;
const command = ['node bench/run.ts', ...names, ...args.filter((arg) => arg.startsWith('--'))].join(
  ' ',
);
const say = (message: string) => process.stdout.write(`${message}\n`);

let failed = 0;
const began = performance.now();
for (const benchmark of selected) {
  const workDir = mkdtempSync(join(tmpdir(), `tracing-demo-bench-${benchmark.name}-`));
  say(`\n=== ${benchmark.name}${quick ? ' (quick)' : ''}: ${benchmark.description}`);
  try {
    const result = await runBenchmark(
      benchmark,
      { quick, options, workDir, log: (message) => say(`[${benchmark.name}] ${message}`) },
      command,
    );
    for (const table of result.tables) say(`\n${renderTable(table)}`);
    say('');
    for (const line of result.headlines) say(`• ${line}`);
    say(
      `(${result.durationSeconds} s; load average ${result.load.start.loadavg.join(' ')} → ${result.load.end.loadavg.join(' ')})`,
    );
  } catch (error) {
    failed++;
    say(
      `[${benchmark.name}] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
    );
    say(`[${benchmark.name}] logs kept in ${workDir}`);
    continue;
  }
  if (process.env.BENCH_KEEP === '1') say(`[${benchmark.name}] logs kept in ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}
const summary = writeSummary(
  ALL.map((b) => b.name),
  quick,
);
say(
  `\nsummary${quick ? '.quick' : ''}.json: ${Object.keys(summary.keys).length} keys; missing: ${Object.keys(summary.missing).join(', ') || 'none'}`,
);
if (!quick && failed === 0) updateReadme();
say(
  `\nbenchmarks: ${selected.length - failed} done, ${failed} failed, ${Math.round((performance.now() - began) / 1000)} s`,
);
process.exit(failed > 0 ? 1 : 0);
