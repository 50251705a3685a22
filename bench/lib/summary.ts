/**
 * bench/results/summary.json: issue 20's keys, each from the latest result file of the benchmark
 * that measures it (full mode; summary.quick.json from the quick ones), with the run's date and
 * machine. bench/README.md's summary table is generated from the same file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchResult, RESULTS_DIR, readResult } from './report.ts';

interface Key {
  name: string;
  benchmark: string;
  /** The measure as the issue states it. */
  measure: string;
  unit: string;
  /** The issue's target, and the figure that must at least be shown where it names one. */
  target?: { op: '<=' | '>='; value: number; mustShow?: number };
}

/** The keys, their benchmarks and issue 20's targets. */
export const KEYS: Key[] = [
  {
    name: 'services_us_per_span',
    benchmark: 'overhead',
    measure: "services' CPU per span, traced − untraced ÷ spans",
    unit: 'µs',
    target: { op: '<=', value: 30, mustShow: 50 },
  },
  {
    name: 'stock_register_us_per_span',
    benchmark: 'overhead',
    measure: 'the same with the stock auto-instrumentations register (ours must cost less)',
    unit: 'µs',
  },
  {
    name: 'services_cpu_ratio',
    benchmark: 'overhead',
    measure: "services' CPU per order, traced ÷ untraced (collector on its own core)",
    unit: '×',
    target: { op: '<=', value: 1.1, mustShow: 1.2 },
  },
  {
    name: 'hop_p50_added_ms',
    benchmark: 'overhead',
    measure: 'added p50 latency per hop, single hop',
    unit: 'ms',
    target: { op: '<=', value: 0.3 },
  },
  {
    name: 'order_hop_p50_added_ms',
    benchmark: 'overhead',
    measure: 'added p50 latency per hop, order flow',
    unit: 'ms',
    target: { op: '<=', value: 0.3 },
  },
  {
    name: 'machine_throughput_ratio',
    benchmark: 'overhead',
    measure: 'whole machine, order flow, traced ÷ untraced saturated throughput',
    unit: '',
    target: { op: '>=', value: 0.8 },
  },
  {
    name: 'collector_spans_per_s_core',
    benchmark: 'collector-capacity',
    measure: 'collector, full project pipeline, 1 core, 0 refused',
    unit: 'spans/s',
    target: { op: '>=', value: 50000, mustShow: 45000 },
  },
  {
    name: 'collector_rss_mib',
    benchmark: 'collector-capacity',
    measure: "collector's peak RSS at that rate",
    unit: 'MiB',
    target: { op: '<=', value: 512 },
  },
  {
    name: 'visibility_p95_s',
    benchmark: 'time-to-visibility',
    measure: 'response → trace queryable in the store, chart defaults, p95',
    unit: 's',
    target: { op: '<=', value: 3, mustShow: 3 },
  },
  {
    name: 'sampled_ratio_observed',
    benchmark: 'sampling-economy',
    measure: 'sampled share of ordinary traces',
    unit: '',
  },
  {
    name: 'sampled_ratio_configured',
    benchmark: 'sampling-economy',
    measure: 'configured baseline ratio',
    unit: '',
  },
];

export interface SummaryEntry {
  value: number;
  benchmark: string;
  run_at: string;
  mode: 'quick' | 'full';
  command: string;
  machine: string;
  load_average: [number, number];
}

export interface Summary {
  generated_by: string;
  generated_at: string;
  mode: 'quick' | 'full';
  keys: Record<string, SummaryEntry>;
  /** Issue 20's keys no result file has yet, with the benchmark that would fill them. */
  missing: Record<string, string>;
}

const machine = (m: BenchResult['machine']) =>
  `${m.nproc} cores ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, ${m.otelcol}`;

export const summaryPath = (quick: boolean) =>
  join(RESULTS_DIR, quick ? 'summary.quick.json' : 'summary.json');

/** Every benchmark's keys, known or not, from its latest result file of the mode. */
export function buildSummary(benchmarks: string[], quick: boolean): Summary {
  const keys: Record<string, SummaryEntry> = {};
  for (const name of benchmarks) {
    const result = readResult(name, quick);
    if (!result?.summary) continue;
    for (const [key, value] of Object.entries(result.summary)) {
      keys[key] = {
        value,
        benchmark: name,
        run_at: result.startedAt,
        mode: result.mode,
        command: result.command,
        machine: machine(result.machine),
        load_average: [result.load.start.loadavg[0], result.load.end.loadavg[0]],
      };
    }
  }
  const missing = Object.fromEntries(
    KEYS.filter((k) => !(k.name in keys)).map((k) => [k.name, k.benchmark]),
  );
  return {
    generated_by: `node bench/run.ts${quick ? ' --quick' : ''} (bench/lib/summary.ts), from bench/results/<benchmark>${quick ? '.quick' : ''}.json`,
    generated_at: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    keys,
    missing,
  };
}

export function writeSummary(benchmarks: string[], quick: boolean): Summary {
  const summary = buildSummary(benchmarks, quick);
  writeFileSync(summaryPath(quick), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

const show = (value: number, unit: string) =>
  unit === ''
    ? `${(value * 100).toFixed(1)}%`
    : unit === '×'
      ? `${value.toFixed(2)}×`
      : `${Number.isInteger(value) ? value : value.toFixed(value < 10 ? 2 : 1)} ${unit}`;

function verdict(key: Key, keys: Summary['keys']): string {
  const value = keys[key.name]?.value;
  if (value === undefined) return 'not measured';
  if (key.name === 'stock_register_us_per_span') {
    const ours = keys.services_us_per_span?.value;
    return ours === undefined
      ? '–'
      : ours < value
        ? 'ours costs less: met'
        : 'ours costs more: NOT met';
  }
  if (key.name === 'sampled_ratio_observed') {
    const mismatches = keys.sampled_prediction_mismatches?.value;
    const n = keys.sampled_ordinary_traces?.value;
    const p = keys.sampled_ratio_configured?.value;
    if (mismatches === undefined || n === undefined || p === undefined) return '–';
    const sigma = Math.sqrt((p * (1 - p)) / n);
    const z = (value - p) / sigma;
    return `kept = predicted ${mismatches === 0 ? 'for every one' : `except ${mismatches}`} of ${n}; ${z >= 0 ? '+' : ''}${z.toFixed(2)} σ: ${mismatches === 0 && Math.abs(z) <= 2 ? 'met' : 'NOT met'}`;
  }
  const t = key.target;
  if (!t) return '–';
  const ok = (limit: number) => (t.op === '<=' ? value <= limit : value >= limit);
  if (ok(t.value)) return 'met';
  if (t.mustShow !== undefined && t.mustShow !== t.value)
    return ok(t.mustShow) ? 'NOT met (must-show met)' : 'NOT met (must-show NOT met)';
  return 'NOT met';
}

/** The README's table: every target, the measured value, met or not. */
export function summaryTable(summary: Summary): string[] {
  const rows = KEYS.map((key) => {
    const entry = summary.keys[key.name];
    const target = key.target
      ? `${key.target.op === '<=' ? '≤' : '≥'} ${show(key.target.value, key.unit)}${key.target.mustShow !== undefined && key.target.mustShow !== key.target.value ? ` (must show ${key.target.op === '<=' ? '≤' : '≥'} ${show(key.target.mustShow, key.unit)})` : ''}`
      : key.name === 'stock_register_us_per_span'
        ? 'more than ours'
        : key.name === 'sampled_ratio_observed'
          ? 'kept = the policy’s hash; within 2 σ'
          : '–';
    const measured = entry
      ? `${show(entry.value, key.unit)} (${entry.run_at.slice(0, 10)}${entry.mode === 'quick' ? ', quick' : ''})`
      : '–';
    return `| ${key.measure} | \`${key.name}\` | ${target} | ${measured} | ${verdict(key, summary.keys)} |`;
  });
  return [
    `**Issue 20's targets** (\`results/${summary.mode === 'quick' ? 'summary.quick.json' : 'summary.json'}\`; machine and run of each value there)`,
    '',
    '| measure | key | target | measured | verdict |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows,
  ];
}
