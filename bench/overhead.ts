/**
 * What tracing costs the services: the project's register exporting to the real collector (ON),
 * the same with OTEL_SDK_DISABLED=true (OFF) and the stock auto-instrumentations register
 * (STOCK), three stacks side by side, in rounds whose order rotates so drift hits all alike.
 * Per round: the services tier placed as a cluster runs it (the collector alone on one core),
 * then the whole machine (everything on both cores).
 */
import {
  type Infra,
  type Layout,
  measure,
  type Phase,
  place,
  STOCK,
  stackCpuOf,
  startInfra,
  startTarget,
  type Target,
  type Variant,
  waitQuiet,
} from './lib/app-bench.ts';
import { chartServiceSdkEnv } from './lib/collector.ts';
import { drive, type LoadOptions, type LoadResult, pooled } from './lib/load.ts';
import { ALL_CPUS, pinProcess } from './lib/proc.ts';
import { type Benchmark, type Cell, fixed, percent, type Table } from './lib/report.ts';
import { max, median, min } from './lib/stats.ts';

/** Service-to-service calls per request: what "per hop" divides by. */
export const HOPS = { order: 2, read: 1, login: 1 } as const;

const ON: Variant = { name: 'on', label: 'tracing ON (project register → collector)', env: {} };
const OFF: Variant = {
  name: 'off',
  label: 'tracing OFF (OTEL_SDK_DISABLED=true)',
  env: { OTEL_SDK_DISABLED: 'true' },
};
export const VARIANTS: Variant[] = [ON, OFF, { ...STOCK, label: `STOCK (${STOCK.label})` }];

/**
 * The variants' order per round (indices into VARIANTS): over the first 2, 4 or 6 rounds each
 * pair runs first as often as second.
 */
const ORDERS = [
  [0, 1, 2],
  [2, 1, 0],
  [1, 2, 0],
  [0, 2, 1],
  [2, 0, 1],
  [1, 0, 2],
];

const SETTINGS = {
  full: {
    rounds: 4,
    warmupSeconds: 3,
    orderSeconds: 8,
    spanCountSeconds: 2,
    orderLatencySeconds: 6,
    readLatencySeconds: 4,
    connections: 16,
    quietMinMs: 4000,
  },
  quick: {
    rounds: 2,
    warmupSeconds: 2,
    orderSeconds: 3,
    spanCountSeconds: 1,
    orderLatencySeconds: 2,
    readLatencySeconds: 1,
    connections: 16,
    quietMinMs: 2500,
  },
};
type Settings = (typeof SETTINGS)['full'];

/** One variant's measurements in one round of `overhead`. */
export interface TierRound {
  round: number;
  variant: string;
  /** Services tier, cluster layout: the order flow saturated, CPU through the quiet point. */
  tier: Phase;
  /**
   * Spans the services make per order, counted unloaded (1 connection, then until quiet): at
   * saturation an SDK whose export falls behind drops spans from its full queue.
   */
  spansMade: number;
  /** Cluster layout, 1 connection: the order flow and the single hop. */
  orderSingle: LoadResult;
  readSingle: LoadResult;
  /** Whole machine, order flow saturated (ON and OFF only). */
  machine?: Phase;
}

function brief(load: LoadResult) {
  return `${load.rps.toFixed(0)} req/s p50 ${load.latency.p50.toFixed(2)} ms p99 ${load.latency.p99.toFixed(2)} ms${load.non2xx || load.errors ? ` (non-2xx ${load.non2xx}, errors ${load.errors})` : ''}`;
}

type Log = (message: string) => void;
type Running = { variant: Variant; target: Target };

/**
 * Unloaded latency (1 connection) of every target, in 1 s slices taken in turn (A B C C B A …),
 * so that whatever else the machine does in those seconds hits every variant alike.
 */
async function interleavedSingle(
  targets: Running[],
  load: (target: Target) => LoadOptions,
  seconds: number,
): Promise<Map<string, LoadResult>> {
  const slices = new Map<string, LoadResult[]>(targets.map((t) => [t.variant.name, []]));
  for (let k = 0; k < Math.max(1, seconds); k++) {
    for (const { variant, target } of k % 2 === 0 ? targets : [...targets].reverse()) {
      const result = await drive({ ...load(target), durationSeconds: 1, keepSamples: true });
      slices.get(variant.name)?.push(result);
    }
  }
  return new Map([...slices].map(([name, list]) => [name, pooled(list)]));
}

/** The order flow saturated, the stack quiet before and after, CPU and spans per order. */
async function saturated(infra: Infra, target: Target, settings: Settings): Promise<Phase> {
  await waitQuiet(stackCpuOf(infra, target), { minMs: settings.quietMinMs });
  return measure(infra, target, target.orderLoad(settings.connections, settings.orderSeconds), {
    quietMinMs: settings.quietMinMs,
  });
}

/**
 * The quiet minimum covers the SDK's last batch (the chart's export delay, under a second) and
 * the collector's decisions (1 s after a trace's root, on a 1 s tick).
 */
async function runRounds(
  infra: Infra,
  settings: Settings,
  sdkEnv: Record<string, string>,
  log: Log,
  began: number,
): Promise<TierRound[]> {
  const running: Running[] = [];
  try {
    for (const [slot, variant] of VARIANTS.entries()) {
      const deployed = { ...variant, env: { ...sdkEnv, ...variant.env } };
      running.push({ variant, target: await startTarget(infra, deployed, variant.name, slot) });
    }
    const stacks = running.map((r) => r.target.stack);
    const layout = (name: Layout) => place(infra, stacks, name);
    for (const { target } of running) {
      await drive(target.orderLoad(settings.connections, settings.warmupSeconds));
      await drive(target.readLoad(settings.connections, 1));
    }
    const results: TierRound[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      const order = (ORDERS[round % ORDERS.length] as number[]).map((i) => running[i] as Running);
      const at = () => `${Math.round((performance.now() - began) / 1000)} s`;
      log(
        `round ${round + 1}/${settings.rounds} (${order.map((r) => r.variant.name).join(', ')}), ${at()}`,
      );
      layout('cluster');
      const tier = new Map<string, Phase>();
      for (const { variant, target } of order) {
        const phase = await saturated(infra, target, settings);
        tier.set(variant.name, phase);
        log(
          `  r${round} ${variant.name} tier c=${settings.connections}: ${brief(phase.load)}; services ${fixed(phase.cpuMsPerRequest?.services, 2)} ms/order, ${fixed(phase.spansPerRequest, 1)} spans/order${phase.spansRefused ? ` (${phase.spansRefused} refused by the collector)` : ''}, other work ${fixed(otherCoresOf(phase), 2)} cores`,
        );
      }
      const made = new Map<string, number>();
      for (const { variant, target } of order) {
        const phase = await measure(infra, target, target.orderLoad(1, settings.spanCountSeconds), {
          quietMinMs: 1500,
        });
        made.set(variant.name, phase.spansPerRequest ?? Number.NaN);
      }
      log(
        `  r${round} spans per order made (c=1): ${order.map((r) => `${r.variant.name} ${fixed(made.get(r.variant.name), 1)}`).join(', ')}`,
      );
      const orderSingle = await interleavedSingle(
        order,
        (t) => t.orderLoad(1, 1),
        settings.orderLatencySeconds,
      );
      const readSingle = await interleavedSingle(
        order,
        (t) => t.readLoad(1, 1),
        settings.readLatencySeconds,
      );
      for (const { variant } of order) {
        log(
          `  r${round} ${variant.name} c=1: order ${brief(orderSingle.get(variant.name) as LoadResult)}; read ${brief(readSingle.get(variant.name) as LoadResult)}`,
        );
      }
      layout('machine');
      const machine = new Map<string, Phase>();
      for (const { variant, target } of order.filter((r) => r.variant.name !== STOCK.name)) {
        const phase = await saturated(infra, target, settings);
        machine.set(variant.name, phase);
        log(
          `  r${round} ${variant.name} machine c=${settings.connections}: ${brief(phase.load)}; machine ${fixed(phase.cpuMsPerRequest?.machine, 2)} ms/order`,
        );
      }
      for (const { variant } of running) {
        results.push({
          round,
          variant: variant.name,
          tier: tier.get(variant.name) as Phase,
          spansMade: made.get(variant.name) as number,
          orderSingle: orderSingle.get(variant.name) as LoadResult,
          readSingle: readSingle.get(variant.name) as LoadResult,
          machine: machine.get(variant.name),
        });
      }
    }
    return results;
  } finally {
    pinProcess(process.pid, ALL_CPUS);
    for (const { target } of running) await target.stack.stop();
  }
}

/**
 * A round is disturbed when, during one of its saturated phases, processes outside the
 * benchmark (other people's work on the machine) used more than this many cores.
 */
const DISTURBED_CORES = 0.3;

function otherCoresOf(phase: Phase): number {
  const otherSeconds = ((phase.cpuMsPerRequest?.other ?? 0) * phase.load.sent) / 1000;
  return otherSeconds / (phase.windowSeconds ?? phase.load.seconds);
}

/** The most other work during any of a round's saturated phases, in cores. */
const roundOtherCores = (result: TierRound): number =>
  Math.max(otherCoresOf(result.tier), result.machine ? otherCoresOf(result.machine) : 0);

/** The rounds whose every phase ran undisturbed; all rounds when fewer than two are left. */
function undisturbed(results: TierRound[]): { results: TierRound[]; dropped: number[] } {
  const rounds = [...new Set(results.map((r) => r.round))];
  const dropped = rounds.filter((round) =>
    results.some((r) => r.round === round && roundOtherCores(r) > DISTURBED_CORES),
  );
  if (rounds.length - dropped.length < 2) return { results, dropped: [] };
  return { results: results.filter((r) => !dropped.includes(r.round)), dropped };
}

type Pick = (r: TierRound) => number;

const of = (results: TierRound[], variant: string, pick: Pick) =>
  median(results.filter((r) => r.variant === variant).map(pick));

/** Per round, `op` of variant a's and variant b's results (same round, adjacent in time). */
function pairs(
  results: TierRound[],
  a: string,
  b: string,
  op: (x: TierRound, y: TierRound) => number,
): number[] {
  const rounds = [...new Set(results.map((r) => r.round))];
  return rounds.map((round) => {
    const x = results.find((r) => r.round === round && r.variant === a);
    const y = results.find((r) => r.round === round && r.variant === b);
    return x && y ? op(x, y) : Number.NaN;
  });
}

interface Spread {
  median: number;
  min: number;
  max: number;
  rounds: number[];
}

const spread = (values: number[]): Spread => ({
  median: median(values),
  min: min(values),
  max: max(values),
  rounds: values,
});

const cpu = (r: TierRound, name: string) => r.tier.cpuMsPerRequest?.[name] ?? Number.NaN;
const services = (r: TierRound) => cpu(r, 'services');
const spans = (r: TierRound) => r.spansMade;
const spansAccepted = (r: TierRound) => r.tier.spansPerRequest ?? Number.NaN;
const machineRps = (r: TierRound) => r.machine?.load.rps ?? Number.NaN;

/** Tracing's cost against OFF, paired per round. */
function against(results: TierRound[], variant: string) {
  const off = OFF.name;
  return {
    serviceCpuRatio: spread(pairs(results, variant, off, (x, y) => services(x) / services(y))),
    serviceCpuAddedMs: spread(pairs(results, variant, off, (x, y) => services(x) - services(y))),
    /** (variant − OFF) service CPU per order ÷ the variant's spans per order, µs. */
    usPerSpan: spread(
      pairs(results, variant, off, (x, y) => ((services(x) - services(y)) * 1000) / spans(x)),
    ),
    orderHopP50AddedMs: spread(
      pairs(
        results,
        variant,
        off,
        (x, y) => (x.orderSingle.latency.p50 - y.orderSingle.latency.p50) / HOPS.order,
      ),
    ),
    hopP50AddedMs: spread(
      pairs(
        results,
        variant,
        off,
        (x, y) => (x.readSingle.latency.p50 - y.readSingle.latency.p50) / HOPS.read,
      ),
    ),
    /** Added CPU ms per order of the rest of the tier, by process. */
    addedMs: Object.fromEntries(
      ['postgres backends', 'postgres server', 'rabbitmq', 'collector'].map((name) => [
        name,
        spread(pairs(results, variant, off, (x, y) => cpu(x, name) - cpu(y, name))),
      ]),
    ),
  };
}

export function summarize(results: TierRound[]) {
  const perVariant = Object.fromEntries(
    VARIANTS.map((v) => [
      v.name,
      {
        tierRps: of(results, v.name, (r) => r.tier.load.rps),
        serviceCpuMs: of(results, v.name, services),
        spansPerOrder: of(results, v.name, spans),
        spansAcceptedSaturated: of(results, v.name, spansAccepted),
        collectorCpuMs: of(results, v.name, (r) => cpu(r, 'collector')),
        orderP50: of(results, v.name, (r) => r.orderSingle.latency.p50),
        orderP99: of(results, v.name, (r) => r.orderSingle.latency.p99),
        readP50: of(results, v.name, (r) => r.readSingle.latency.p50),
        readP99: of(results, v.name, (r) => r.readSingle.latency.p99),
        cpuMs: Object.fromEntries(
          Object.keys(results[0]?.tier.cpuMsPerRequest ?? {}).map((name) => [
            name,
            of(results, v.name, (r) => cpu(r, name)),
          ]),
        ),
        machineRps: of(results, v.name, machineRps),
        machineP50: of(results, v.name, (r) => r.machine?.load.latency.p50 ?? Number.NaN),
        machineP99: of(results, v.name, (r) => r.machine?.load.latency.p99 ?? Number.NaN),
        machineCpuMs: of(results, v.name, (r) => r.machine?.cpuMsPerRequest?.machine ?? Number.NaN),
        machineServiceCpuMs: of(
          results,
          v.name,
          (r) => r.machine?.cpuMsPerRequest?.services ?? Number.NaN,
        ),
      },
    ]),
  );
  const on = against(results, ON.name);
  const stock = against(results, STOCK.name);
  const machineThroughputRatio = spread(
    pairs(results, ON.name, OFF.name, (x, y) => machineRps(x) / machineRps(y)),
  );
  const keys: Record<string, number> = {
    services_us_per_span: on.usPerSpan.median,
    services_cpu_ratio: on.serviceCpuRatio.median,
    hop_p50_added_ms: on.hopP50AddedMs.median,
    order_hop_p50_added_ms: on.orderHopP50AddedMs.median,
    machine_throughput_ratio: machineThroughputRatio.median,
    stock_register_us_per_span: stock.usPerSpan.median,
  };
  return {
    keys,
    perVariant,
    on,
    stock,
    machineThroughputRatio,
    /** Read by compare's floor mode: spans per order of the last full run. */
    order: { spansPerRequest: perVariant.on?.spansPerOrder },
  };
}

type Summary = ReturnType<typeof summarize>;

const ms = (value: number | undefined, digits = 2) => fixed(value, digits);

const signed = (value: number | undefined, digits = 2) =>
  value === undefined || !Number.isFinite(value)
    ? undefined
    : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

/** A paired figure: median [min … max] over rounds. */
const ranged = (s: Spread, digits = 2, show = signed) =>
  s.rounds.length > 1
    ? `${show(s.median, digits)} [${show(s.min, digits)} … ${show(s.max, digits)}]`
    : show(s.median, digits);

const times = (value: number | undefined, digits = 2) =>
  value === undefined || !Number.isFinite(value) ? undefined : `${value.toFixed(digits)}×`;

/** The by-process table's order: the services, their sum, then the rest of the tier. */
const CPU_ORDER = [
  'api-gateway',
  'auth-service',
  'order-service',
  'payment-service',
  'fulfillment-worker',
  'services',
  'collector',
  'postgres backends',
  'postgres server',
  'rabbitmq',
  'bench (autocannon, sink)',
  'other',
  'machine',
];
const cpuRank = (name: string) =>
  CPU_ORDER.includes(name) ? CPU_ORDER.indexOf(name) : CPU_ORDER.length;

export function tables(
  summary: Summary,
  results: TierRound[],
  settings: Settings,
  dropped: number[],
  sdkEnv: Record<string, string> = {},
): Table[] {
  const used = settings.rounds - dropped.length;
  const v = summary.perVariant;
  const names = VARIANTS.map((x) => x.name);
  const label = (name: string) => VARIANTS.find((x) => x.name === name)?.label ?? name;
  const vs = (name: string) =>
    name === ON.name ? summary.on : name === STOCK.name ? summary.stock : undefined;
  const cpuNames = Object.keys(results[0]?.tier.cpuMsPerRequest ?? {}).sort(
    (a, b) => cpuRank(a) - cpuRank(b),
  );
  return [
    {
      title: `Services tier as a cluster runs it: the collector alone on CPU 1 (GOMAXPROCS=1), the services, PostgreSQL, RabbitMQ and the load on CPU 0. Order flow (gateway → order → payment, ${HOPS.order} hops; PostgreSQL transaction, outbox → RabbitMQ → worker), c=${settings.connections}; medians of ${used} rounds, "vs OFF" paired per round: median [min … max]`,
      columns: [
        'variant',
        'orders/s',
        'service CPU ms/order',
        'spans/order made (c=1)',
        'spans/order accepted (c=16)',
        'service CPU vs OFF',
        'µs per span vs OFF',
        'collector CPU ms/order',
      ],
      rows: names.map((name): Cell[] => [
        label(name),
        fixed(v[name]?.tierRps, 0),
        ms(v[name]?.serviceCpuMs),
        fixed(v[name]?.spansPerOrder, 1),
        fixed(v[name]?.spansAcceptedSaturated, 1),
        vs(name) ? ranged((vs(name) as Summary['on']).serviceCpuRatio, 2, times) : undefined,
        vs(name) ? ranged((vs(name) as Summary['on']).usPerSpan, 0, fixed) : undefined,
        ms(v[name]?.collectorCpuMs),
      ]),
      notes: [
        '"service CPU" is the five services\' CPU (/proc) from the start of the saturated phase until the stack is quiet again (worker backlog, last export batch), divided by the orders sent (those in flight when the load stops finish after it); "µs per span" is (variant − OFF) service CPU per order ÷ the spans the variant makes per order. Spans are counted as the collector accepted them: made, from 1 connection until quiet; accepted at saturation, fewer when an SDK\'s queue overflowed (the stock register does not report its drops).',
        `Every variant's services run with what the chart gives them (${Object.entries(sdkEnv)
          .map(([name, value]) => `${name}=${value}`)
          .join(', ')}), whichever register they load.`,
      ],
    },
    {
      title: `Added latency per hop, unloaded (c=1, cluster layout, 1 s slices interleaved): order flow Δp50 ÷ ${HOPS.order}, single hop GET /api/orders/:id (gateway → order, one query) Δp50`,
      columns: [
        'variant',
        'order p50 ms',
        'order p99 ms',
        'order: added p50 per hop',
        'single hop p50 ms',
        'single hop p99 ms',
        'single hop: added p50',
      ],
      rows: names.map((name): Cell[] => [
        label(name),
        ms(v[name]?.orderP50, 3),
        ms(v[name]?.orderP99, 3),
        vs(name) ? ranged((vs(name) as Summary['on']).orderHopP50AddedMs, 3) : undefined,
        ms(v[name]?.readP50, 3),
        ms(v[name]?.readP99, 3),
        vs(name) ? ranged((vs(name) as Summary['on']).hopP50AddedMs, 3) : undefined,
      ]),
    },
    {
      title:
        'PostgreSQL, RabbitMQ and the collector, CPU ms per order (services tier), against OFF paired per round: median [min … max]',
      columns: ['process', 'OFF', 'ON − OFF', 'STOCK − OFF'],
      rows: Object.keys(summary.on.addedMs).map((name): Cell[] => [
        name,
        ms(v[OFF.name]?.cpuMs[name]),
        ranged(summary.on.addedMs[name] as Spread),
        ranged(summary.stock.addedMs[name] as Spread),
      ]),
      notes: [
        '"postgres backends" are the client backends of the variant\'s own database (told apart by their process titles); "postgres server" is the rest of the server: background workers and autovacuum, exited backends, the other stacks\' idle backends. "rabbitmq" is the variant\'s own broker.',
      ],
    },
    {
      title: `Whole machine: everything on both CPUs, order flow saturated (c=${settings.connections}); medians of ${used} rounds`,
      columns: [
        'variant',
        'orders/s',
        'p50 ms',
        'p99 ms',
        'machine CPU ms/order',
        'service CPU ms/order',
      ],
      rows: [
        ...[ON.name, OFF.name].map((name): Cell[] => [
          label(name),
          fixed(v[name]?.machineRps, 0),
          ms(v[name]?.machineP50),
          ms(v[name]?.machineP99),
          ms(v[name]?.machineCpuMs),
          ms(v[name]?.machineServiceCpuMs),
        ]),
        [
          'ON ÷ OFF (paired median [min … max])',
          ranged(summary.machineThroughputRatio, 3, fixed),
          undefined,
          undefined,
          times(
            (v[ON.name]?.machineCpuMs ?? Number.NaN) / (v[OFF.name]?.machineCpuMs ?? Number.NaN),
          ),
          undefined,
        ],
      ],
      notes: [
        "Saturated, the two cores bind, so throughput follows the machine's CPU per order: OFF ÷ ON machine CPU predicts the throughput ratio.",
      ],
    },
    {
      title: 'CPU ms per order by process, services tier (saturated phase through quiet), medians',
      columns: ['process', ...names],
      rows: cpuNames.map((name): Cell[] => [name, ...names.map((n) => ms(v[n]?.cpuMs[name]))]),
      notes: [
        '"other" is the rest of the machine (kernel, the idle stacks, other users\' work); "machine" all of it.',
      ],
    },
    {
      title: 'Every round (the noise behind the medians)',
      columns: [
        'round',
        'variant',
        'tier orders/s',
        'svc CPU ms/order',
        'spans/order made',
        'accepted c=16',
        'order p50 c=1',
        'read p50 c=1',
        'machine orders/s',
        'other work (cores)',
        'round',
      ],
      rows: results.map((x): Cell[] => [
        x.round,
        x.variant,
        fixed(x.tier.load.rps, 0),
        ms(services(x)),
        fixed(spans(x), 1),
        fixed(spansAccepted(x), 1),
        ms(x.orderSingle.latency.p50, 3),
        ms(x.readSingle.latency.p50, 3),
        fixed(x.machine?.load.rps, 0),
        fixed(roundOtherCores(x), 2),
        dropped.includes(x.round) ? 'dropped' : 'used',
      ]),
      notes: [
        `"other work" is CPU used outside the benchmark's processes during the variant's saturated phases (the larger of the two); a round where any variant saw more than ${DISTURBED_CORES} cores of it is dropped from the medians (unless fewer than two rounds would be left).`,
      ],
    },
  ];
}

export const overhead: Benchmark = {
  name: 'overhead',
  description:
    'tracing ON vs OFF vs the stock register: services tier on its own core, whole machine, latency per hop',
  async run({ quick, log, workDir }) {
    const settings = quick ? SETTINGS.quick : SETTINGS.full;
    // What the chart gives every service's SDK, whichever register it loads.
    const sdkEnv = chartServiceSdkEnv();
    const began = performance.now();
    log('starting PostgreSQL, three RabbitMQs, the collector (→ null sink), three stacks…');
    const infra = await startInfra(workDir, VARIANTS.length, { collectorCpus: '1' });
    try {
      const results = await runRounds(infra, settings, sdkEnv, log, began);
      const kept = undisturbed(results);
      if (kept.dropped.length > 0) {
        log(
          `rounds ${kept.dropped.join(', ')} dropped: other work used > ${DISTURBED_CORES} cores`,
        );
      }
      const summary = summarize(kept.results);
      const { on, stock } = summary;
      const p = summary.perVariant;
      return {
        settings: { ...settings, sdkEnv, variants: VARIANTS, hops: HOPS, orders: ORDERS },
        data: {
          summary,
          droppedRounds: kept.dropped,
          rounds: results.map((r) => ({ ...r, otherCores: roundOtherCores(r) })),
        },
        tables: tables(summary, results, settings, kept.dropped, sdkEnv),
        summary: summary.keys,
        headlines: [
          `services tier (collector on its own core): ON ${ms(p.on?.serviceCpuMs)} ms of service CPU per order against OFF ${ms(p.off?.serviceCpuMs)} (${times(on.serviceCpuRatio.median)}), ${fixed(on.usPerSpan.median, 1)} µs per span for ${fixed(p.on?.spansPerOrder, 1)} spans per order`,
          `stock register: ${ms(p.stock?.serviceCpuMs)} ms per order (${times(stock.serviceCpuRatio.median)} of OFF), ${fixed(stock.usPerSpan.median, 1)} µs per span for ${fixed(p.stock?.spansPerOrder, 1)} spans per order`,
          `added p50 per hop (c=1): ${ms(on.hopP50AddedMs.median, 3)} ms single hop, ${ms(on.orderHopP50AddedMs.median, 3)} ms in the order flow (stock: ${ms(stock.hopP50AddedMs.median, 3)}, ${ms(stock.orderHopP50AddedMs.median, 3)})`,
          `whole machine (2 cores, everything on them): traced throughput ${percent(summary.machineThroughputRatio.median)} of untraced`,
          `PostgreSQL's own backends, ON − OFF: ${ranged(on.addedMs['postgres backends'] as Spread)} ms per order`,
          `medians over ${settings.rounds - kept.dropped.length} of ${settings.rounds} rounds${kept.dropped.length ? ` (rounds ${kept.dropped.join(', ')} dropped: other work on the machine used more than ${DISTURBED_CORES} cores)` : ''}`,
        ],
      };
    } finally {
      await infra.stop();
    }
  },
};
