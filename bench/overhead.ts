/**
 * Instrumentation overhead: the services with tracing ON (exporting OTLP to the real collector
 * running collector/otel-collector.yaml) against tracing OFF (OTEL_SDK_DISABLED=true), both
 * started with the same `node --import @tracing-demo/telemetry/register`, in alternating rounds
 * (ABBA order) of one run on one machine.
 */
import {
  type Infra,
  measure,
  type Phase,
  stackCpuOf,
  startInfra,
  startTarget,
  type Target,
  type Variant,
  waitQuiet,
} from './lib/app-bench.ts';
import { drive, type LoadOptions, type LoadResult, pooled } from './lib/load.ts';
import { cpuSeconds } from './lib/proc.ts';
import { type Benchmark, type Cell, fixed, percent, type Table } from './lib/report.ts';
import { median } from './lib/stats.ts';

/** Service-to-service calls per request: what "per hop" divides by. */
export const HOPS = { order: 2, read: 1, login: 1 } as const;

export const VARIANTS: Variant[] = [
  { name: 'on', label: 'tracing ON (OTLP → collector)', env: {} },
  {
    name: 'off',
    label: 'tracing OFF (OTEL_SDK_DISABLED=true)',
    env: { OTEL_SDK_DISABLED: 'true' },
  },
];

const SETTINGS = {
  full: {
    rounds: 5,
    warmupSeconds: 3,
    orderSeconds: 8,
    orderLatencySeconds: 6,
    readSeconds: 4,
    readLatencySeconds: 4,
    loginSeconds: 3,
    connections: 16,
    loginConnections: 4,
    quietMinMs: 5500,
  },
  quick: {
    rounds: 2,
    warmupSeconds: 2,
    orderSeconds: 3,
    orderLatencySeconds: 2,
    readSeconds: 3,
    readLatencySeconds: 2,
    loginSeconds: 3,
    connections: 16,
    loginConnections: 4,
    quietMinMs: 3000,
  },
};
type Settings = (typeof SETTINGS)['full'];

export interface RoundResult {
  round: number;
  variant: string;
  order: { saturated: Phase; single: Phase };
  read: { saturated: Phase; single: Phase };
  login: Phase;
}

function brief(load: LoadResult) {
  return `${load.rps.toFixed(0)} req/s p50 ${load.latency.p50.toFixed(2)} ms p99 ${load.latency.p99.toFixed(2)} ms${load.non2xx || load.errors ? ` (non-2xx ${load.non2xx}, errors ${load.errors})` : ''}`;
}

type Log = (message: string) => void;
type Scenarios = { read: boolean; login: boolean };

/**
 * Unloaded latency (1 connection) of every target, in short slices taken in turn (A B B A …),
 * so that whatever else the machine does in those seconds hits every variant alike.
 */
async function interleavedSingle(
  targets: { variant: Variant; target: Target }[],
  load: (target: Target) => LoadOptions,
  seconds: number,
): Promise<Map<string, LoadResult>> {
  const sliceSeconds = 1;
  const slices = new Map<string, LoadResult[]>(targets.map((t) => [t.variant.name, []]));
  for (let k = 0; k < Math.max(1, Math.round(seconds / sliceSeconds)); k++) {
    for (const { variant, target } of k % 2 === 0 ? targets : [...targets].reverse()) {
      const result = await drive({
        ...load(target),
        durationSeconds: sliceSeconds,
        keepSamples: true,
      });
      slices.get(variant.name)?.push(result);
    }
  }
  return new Map([...slices].map(([name, list]) => [name, pooled(list)]));
}

/**
 * The side-by-side mode (`overhead`): every variant's stack runs for the whole benchmark (its
 * own RabbitMQ and database), so a round needs no restarts and latency can be interleaved
 * second by second. Saturated phases go one variant at a time (ABBA across rounds), each with
 * the stack quiet before and after so CPU is accounted to the right variant.
 */
export async function runSideBySide(
  infra: Infra,
  variants: Variant[],
  settings: Settings,
  log: Log,
  scenarios: Scenarios = { read: true, login: true },
): Promise<RoundResult[]> {
  const targets: { variant: Variant; target: Target }[] = [];
  try {
    for (const [slot, variant] of variants.entries()) {
      targets.push({ variant, target: await startTarget(infra, variant, variant.name, slot) });
    }
    for (const { target } of targets) {
      await drive(target.orderLoad(settings.connections, settings.warmupSeconds));
      await drive(target.readLoad(settings.connections, 1));
    }
    const results: RoundResult[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      const saturated = new Map<string, Phase>();
      for (const { variant, target } of order) {
        await waitQuiet(stackCpuOf(infra, target), { minMs: settings.quietMinMs });
        const phase = await measure(
          infra,
          target,
          target.orderLoad(settings.connections, settings.orderSeconds),
          { quietMinMs: settings.quietMinMs },
        );
        saturated.set(variant.name, phase);
        log(`  r${round} ${variant.name} order c=${settings.connections}: ${brief(phase.load)}`);
      }
      const single = await interleavedSingle(
        order,
        (t) => t.orderLoad(1, 1),
        settings.orderLatencySeconds,
      );
      const readSaturated = new Map<string, Phase>();
      let readSingle = new Map<string, LoadResult>();
      if (scenarios.read) {
        for (const { variant, target } of order) {
          await waitQuiet(stackCpuOf(infra, target), { minMs: 2000 });
          readSaturated.set(
            variant.name,
            await measure(
              infra,
              target,
              target.readLoad(settings.connections, settings.readSeconds),
              undefined,
            ),
          );
        }
        readSingle = await interleavedSingle(
          order,
          (t) => t.readLoad(1, 1),
          settings.readLatencySeconds,
        );
      }
      const login = new Map<string, Phase>();
      if (scenarios.login) {
        for (const { variant, target } of order) {
          login.set(
            variant.name,
            await measure(
              infra,
              target,
              target.loginLoad(settings.loginConnections, settings.loginSeconds),
              undefined,
            ),
          );
        }
      }
      for (const { variant } of targets) {
        const name = variant.name;
        const orderSingle = { load: single.get(name) as LoadResult };
        const result: RoundResult = {
          round,
          variant: name,
          order: { saturated: saturated.get(name) as Phase, single: orderSingle },
          read: {
            saturated: readSaturated.get(name) ?? orderSingle,
            single: { load: readSingle.get(name) ?? orderSingle.load },
          },
          login: login.get(name) ?? orderSingle,
        };
        log(
          `  r${round} ${name}: order c=1 ${brief(result.order.single.load)}; read c=${settings.connections} ${brief(result.read.saturated.load)}, c=1 ${brief(result.read.single.load)}; login ${brief(result.login.load)}`,
        );
        results.push(result);
      }
    }
    return results;
  } finally {
    for (const { target } of targets) await target.stack.stop();
  }
}

/**
 * The restart mode (`overhead-candidates`, many variants): per round, each variant's stack is
 * started, warmed up, measured and stopped in turn (order reversed every other round).
 */
export async function runRestarting(
  infra: Infra,
  variants: Variant[],
  settings: Settings,
  log: Log,
): Promise<RoundResult[]> {
  const results: RoundResult[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
      const target = await startTarget(infra, variant, `${variant.name}.r${round}`);
      try {
        await drive(target.orderLoad(settings.connections, settings.warmupSeconds));
        await waitQuiet(stackCpuOf(infra, target), { minMs: settings.quietMinMs });
        const saturated = await measure(
          infra,
          target,
          target.orderLoad(settings.connections, settings.orderSeconds),
          { quietMinMs: settings.quietMinMs },
        );
        const single = await measure(
          infra,
          target,
          target.orderLoad(1, settings.orderLatencySeconds),
          undefined,
        );
        log(
          `  r${round} ${variant.name} order c=${settings.connections}: ${brief(saturated.load)}; c=1: ${brief(single.load)}`,
        );
        results.push({
          round,
          variant: variant.name,
          order: { saturated, single },
          read: { saturated: single, single },
          login: single,
        });
      } finally {
        await target.stack.stop();
        // The collector decides the last traces ~2 s after their roots: let it finish.
        await waitQuiet(() => cpuSeconds(infra.collector.pid), { minMs: 2500 });
      }
    }
  }
  return results;
}

/**
 * A round is disturbed when, during its saturated order phase, processes outside the benchmark
 * (other people's work on the machine) used more than this many cores.
 */
export const DISTURBED_CORES = 0.3;

export function otherCores(result: RoundResult): number {
  const phase = result.order.saturated;
  const otherSeconds = ((phase.cpuMsPerRequest?.other ?? 0) * phase.load.requests) / 1000;
  return otherSeconds / (phase.windowSeconds ?? phase.load.seconds);
}

/** The rounds whose every variant ran undisturbed; all rounds when fewer than two are left. */
export function undisturbed(results: RoundResult[]): { results: RoundResult[]; dropped: number[] } {
  const rounds = [...new Set(results.map((r) => r.round))];
  const dropped = rounds.filter((round) =>
    results.some((r) => r.round === round && otherCores(r) > DISTURBED_CORES),
  );
  if (rounds.length - dropped.length < 2) return { results, dropped: [] };
  return { results: results.filter((r) => !dropped.includes(r.round)), dropped };
}

type Pick = (r: RoundResult) => number;

const of = (results: RoundResult[], variant: string, pick: Pick) =>
  median(results.filter((r) => r.variant === variant).map(pick));

/** Median over rounds of a paired comparison (same round, adjacent in time). */
function paired(
  results: RoundResult[],
  a: string,
  b: string,
  pick: Pick,
  op: (x: number, y: number) => number,
) {
  const rounds = [...new Set(results.map((r) => r.round))];
  return median(
    rounds.map((round) => {
      const x = results.find((r) => r.round === round && r.variant === a);
      const y = results.find((r) => r.round === round && r.variant === b);
      return x && y ? op(pick(x), pick(y)) : Number.NaN;
    }),
  );
}

const ratio = (x: number, y: number) => x / y;
const diff = (x: number, y: number) => x - y;

export function summarize(
  results: RoundResult[],
  settings: Settings,
  baseline = 'off',
  traced = 'on',
) {
  const scenario = (name: 'order' | 'read') => {
    const sat: Pick = (r) => r[name].saturated.load.rps;
    const p50s: Pick = (r) => r[name].saturated.load.latency.p50;
    const p99s: Pick = (r) => r[name].saturated.load.latency.p99;
    const p50: Pick = (r) => r[name].single.load.latency.p50;
    const p99: Pick = (r) => r[name].single.load.latency.p99;
    const cpu: Pick = (r) => r[name].saturated.cpuMsPerRequest?.services ?? Number.NaN;
    const collectorCpu: Pick = (r) => r[name].saturated.cpuMsPerRequest?.collector ?? Number.NaN;
    const spans: Pick = (r) => r[name].saturated.spansPerRequest ?? Number.NaN;
    const machineCpu: Pick = (r) => r[name].saturated.cpuMsPerRequest?.machine ?? Number.NaN;
    return {
      hops: HOPS[name],
      throughput: { [traced]: of(results, traced, sat), [baseline]: of(results, baseline, sat) },
      throughputRatio: paired(results, traced, baseline, sat, ratio),
      saturatedP50: {
        [traced]: of(results, traced, p50s),
        [baseline]: of(results, baseline, p50s),
      },
      saturatedP99: {
        [traced]: of(results, traced, p99s),
        [baseline]: of(results, baseline, p99s),
      },
      singleP50: { [traced]: of(results, traced, p50), [baseline]: of(results, baseline, p50) },
      singleP99: { [traced]: of(results, traced, p99), [baseline]: of(results, baseline, p99) },
      addedP50: paired(results, traced, baseline, p50, diff),
      addedP99: paired(results, traced, baseline, p99, diff),
      addedP50PerHop: paired(results, traced, baseline, p50, diff) / HOPS[name],
      addedP99PerHop: paired(results, traced, baseline, p99, diff) / HOPS[name],
      addedSaturatedP50: paired(results, traced, baseline, p50s, diff),
      serviceCpuMs: { [traced]: of(results, traced, cpu), [baseline]: of(results, baseline, cpu) },
      serviceCpuRatio: paired(results, traced, baseline, cpu, ratio),
      collectorCpuMs: of(results, traced, collectorCpu),
      machineCpuMs: {
        [traced]: of(results, traced, machineCpu),
        [baseline]: of(results, baseline, machineCpu),
      },
      spansPerRequest: of(results, traced, spans),
    };
  };
  const login = {
    throughput: {
      [traced]: of(results, traced, (r) => r.login.load.rps),
      [baseline]: of(results, baseline, (r) => r.login.load.rps),
    },
    throughputRatio: paired(results, traced, baseline, (r) => r.login.load.rps, ratio),
    p50: {
      [traced]: of(results, traced, (r) => r.login.load.latency.p50),
      [baseline]: of(results, baseline, (r) => r.login.load.latency.p50),
    },
  };
  return { order: scenario('order'), read: scenario('read'), login, rounds: settings.rounds };
}

type Summary = ReturnType<typeof summarize>;

const ms = (value: number | undefined, digits = 2) => fixed(value, digits);

const signed = (value: number | undefined, digits = 2) =>
  value === undefined || !Number.isFinite(value)
    ? undefined
    : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

/**
 * What the 90% target leaves tracing: saturated, the machine's two cores are the bottleneck, so
 * throughput follows the machine's CPU per order (OFF ÷ ON), and 90% allows tracing OFF ÷ 9 ms
 * of CPU per order, the collector's included.
 */
function budgetNote(o: Summary['order']): string {
  const on = o.machineCpuMs.on ?? Number.NaN;
  const off = o.machineCpuMs.off ?? Number.NaN;
  const budget = off / 9;
  return `Saturated, the two cores bind: the machine used ${ms(on)} ms of CPU per order ON and ${ms(off)} OFF (ratio ${percent(off / on)}, measured throughput ${percent(o.throughputRatio)}). 90% leaves tracing ${ms(budget)} ms of CPU per order, everything included; it added ${ms(on - off)}, of which the collector alone ${ms(o.collectorCpuMs)} (${percent(o.collectorCpuMs / budget, 0)} of that budget) for ${fixed(o.spansPerRequest, 1)} spans.`;
}

export function tables(
  summary: Summary,
  results: RoundResult[],
  settings: Settings,
  variants: Variant[],
  dropped: number[] = [],
): Table[] {
  const [on, off] = ['on', 'off'];
  const kept = results.filter((r) => !dropped.includes(r.round));
  const used = settings.rounds - dropped.length;
  const scenarioRows = (name: 'order' | 'read') => {
    const s = summary[name];
    const row = (variant: string): Cell[] => [
      variants.find((v) => v.name === variant)?.label ?? variant,
      fixed(s.throughput[variant], 0),
      ms(s.saturatedP50[variant]),
      ms(s.saturatedP99[variant]),
      ms(s.singleP50[variant], 3),
      ms(s.singleP99[variant], 3),
      ms(s.serviceCpuMs[variant]),
    ];
    return [
      row(on),
      row(off),
      [
        'ON vs OFF (paired median)',
        percent(s.throughputRatio),
        signed(s.addedSaturatedP50),
        undefined,
        signed(s.addedP50, 3),
        signed(s.addedP99, 3),
        percent(s.serviceCpuRatio),
      ],
    ];
  };
  const columns = [
    'variant',
    `req/s (c=${settings.connections})`,
    'p50 ms',
    'p99 ms',
    'p50 ms (c=1)',
    'p99 ms (c=1)',
    'service CPU ms/req',
  ];
  const target = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const o = summary.order;
  const r = summary.read;
  const cpuRows = (() => {
    const names = Object.keys(results[0]?.order.saturated.cpuMsPerRequest ?? {});
    return names.map((name): Cell[] => {
      const pick = (variant: string) =>
        of(kept, variant, (x) => x.order.saturated.cpuMsPerRequest?.[name] ?? Number.NaN);
      const a = pick(on);
      const b = pick(off);
      return [name, ms(a), ms(b), signed(a - b)];
    });
  })();
  const roundRows = results.map((x): Cell[] => [
    x.round,
    x.variant,
    fixed(x.order.saturated.load.rps, 0),
    ms(x.order.single.load.latency.p50, 3),
    fixed(x.read.saturated.load.rps, 0),
    ms(x.read.single.load.latency.p50, 3),
    fixed(x.login.load.rps, 1),
    ms(x.order.saturated.cpuMsPerRequest?.services),
    fixed(otherCores(x), 2),
    dropped.includes(x.round) ? 'dropped' : 'used',
  ]);
  return [
    {
      title: `Order flow: POST /api/orders (gateway → order → payment, ${HOPS.order} hops; PostgreSQL transaction, outbox → RabbitMQ → worker). Medians of ${used} rounds`,
      columns,
      rows: scenarioRows('order'),
      notes: [
        `Spans per order exported by the services: ${fixed(o.spansPerRequest, 1)}; collector CPU per order (same 2 cores): ${ms(o.collectorCpuMs)} ms. "service CPU" is the five services' CPU from the start of the saturated phase until the stack is quiet (worker backlog, last export batch), divided by the orders completed.`,
      ],
    },
    {
      title: `Single hop: GET /api/orders/:id (gateway → order, ${HOPS.read} hop; one PostgreSQL query). Medians of ${used} rounds`,
      columns,
      rows: scenarioRows('read'),
    },
    {
      title: 'Targets',
      columns: ['target', 'measured', 'verdict'],
      rows: [
        [
          'traced throughput ≥ 90% of untraced (order flow)',
          percent(o.throughputRatio),
          target(o.throughputRatio >= 0.9),
        ],
        [
          'traced throughput ≥ 90% of untraced (single hop)',
          percent(r.throughputRatio),
          target(r.throughputRatio >= 0.9),
        ],
        [
          'added p50 < 0.5 ms per hop (order flow, c=1, Δp50 / 2)',
          `${ms(o.addedP50PerHop, 3)} ms`,
          target(o.addedP50PerHop < 0.5),
        ],
        [
          'added p50 < 0.5 ms per hop (single hop, c=1)',
          `${ms(r.addedP50PerHop, 3)} ms`,
          target(r.addedP50PerHop < 0.5),
        ],
      ],
      notes: [budgetNote(o)],
    },
    {
      title: 'Login: POST /api/auth/login (gateway → auth, scrypt N=2^14)',
      columns: ['variant', `req/s (c=${settings.loginConnections})`, 'p50 ms'],
      rows: [
        [on, fixed(summary.login.throughput[on], 1), ms(summary.login.p50[on], 1)],
        [off, fixed(summary.login.throughput[off], 1), ms(summary.login.p50[off], 1)],
        ['ON vs OFF (paired median)', percent(summary.login.throughputRatio), undefined],
      ],
    },
    {
      title: 'CPU ms per order by process (saturated phase through quiet), medians',
      columns: ['process', 'ON', 'OFF', 'Δ'],
      rows: cpuRows,
      notes: [
        '"other" is the rest of the machine (kernel, other users\' work); "machine" all of it.',
      ],
    },
    {
      title: 'Every round (the noise behind the medians)',
      columns: [
        'round',
        'variant',
        'order req/s',
        'order p50 c=1',
        'read req/s',
        'read p50 c=1',
        'login req/s',
        'svc CPU ms/order',
        'other work (cores)',
        'round',
      ],
      rows: roundRows,
      notes: [
        `"other work" is CPU used outside the benchmark's processes during the saturated order phase; a round where any variant saw more than ${DISTURBED_CORES} cores of it is dropped from the medians (unless fewer than two rounds would be left).`,
      ],
    },
  ];
}

export const overhead: Benchmark = {
  name: 'overhead',
  description:
    'tracing ON vs OFF through the gateway: throughput, latency per hop, CPU per request',
  async run({ quick, log, workDir }) {
    const settings = quick ? SETTINGS.quick : SETTINGS.full;
    log('starting PostgreSQL, two RabbitMQs, the collector (→ null sink), both stacks…');
    const infra = await startInfra(workDir, VARIANTS.length);
    try {
      const results = await runSideBySide(infra, VARIANTS, settings, log);
      const kept = undisturbed(results);
      if (kept.dropped.length > 0) {
        log(
          `rounds ${kept.dropped.join(', ')} dropped: other work used > ${DISTURBED_CORES} cores`,
        );
      }
      const summary = summarize(kept.results, settings);
      const o = summary.order;
      const r = summary.read;
      return {
        settings: { ...settings, variants: VARIANTS, hops: HOPS },
        data: {
          summary,
          droppedRounds: kept.dropped,
          rounds: results.map((r) => ({ ...r, otherCores: otherCores(r) })),
        },
        tables: tables(summary, results, settings, VARIANTS, kept.dropped),
        summary: [
          `order flow: traced throughput ${percent(o.throughputRatio)} of untraced; added p50 ${ms(o.addedP50, 3)} ms per request, ${ms(o.addedP50PerHop, 3)} ms per hop (c=1); service CPU ${percent(o.serviceCpuRatio)} of untraced`,
          `single hop: traced throughput ${percent(r.throughputRatio)}; added p50 ${ms(r.addedP50PerHop, 3)} ms per hop (c=1)`,
          `medians over ${settings.rounds - kept.dropped.length} of ${settings.rounds} rounds${kept.dropped.length ? ` (rounds ${kept.dropped.join(', ')} dropped: other work on the machine used more than ${DISTURBED_CORES} cores)` : ''}`,
        ],
      };
    } finally {
      await infra.stop();
    }
  },
};
