/**
 * Collector capacity: the project's full config (memory limiter, resource clean-up, span
 * metrics, service graph, tail sampling, secret stripping, batch, export with the file-backed
 * queue) on ONE core (taskset + GOMAXPROCS=1), fed OTLP/HTTP protobuf at rising span rates by a
 * generator process on the other core; the sampled output goes to a null sink. Refused,
 * accepted and exported counts come from the collector's own metrics.
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type BenchCollector,
  type CollectorCounters,
  startBenchCollector,
} from './lib/collector.ts';
import type { GeneratorConfig, GeneratorReport } from './lib/generator.ts';
import { startNullSink } from './lib/null-sink.ts';
import { SPANS_PER_TRACE } from './lib/otlp-proto.ts';
import { cpuSeconds, pinProcess, rssBytes, rssPeakBytes } from './lib/proc.ts';
import { BENCH_DIR, type Benchmark, fixed, mib, percent, type Table } from './lib/report.ts';
import { median, sleep } from './lib/stats.ts';
import { writeChart } from './lib/svg.ts';

const run = promisify(execFile);

const COLLECTOR_CPU = '1';
const ALL_CPUS = `0-${cpus().length - 1}`;
const GENERATOR_CPU = '0';
const MIX = { error: 0.01, slow: 0.02 };
const TRACES_PER_REQUEST = 8;

const SETTINGS = {
  full: {
    rates: [10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000],
    seconds: 15,
    settleSeconds: 4,
    bisect: 2,
    candidateRate: 25_000,
    candidateRounds: 2,
    candidates: 'all',
  },
  quick: {
    rates: [10_000, 30_000, 50_000],
    seconds: 8,
    settleSeconds: 3,
    bisect: 0,
    candidateRate: 20_000,
    candidateRounds: 2,
    candidates: 'quick',
  },
};
type Settings = (typeof SETTINGS)['full'];

const STRIP_EVERY_SPAN = 'bench/configs/strip-every-span.yaml';
const MASKING_BEFORE_24 = 'bench/configs/masking-before-issue-24.yaml';

/**
 * Config variants compared at one fixed rate: the project config (with the chart's settings),
 * overlays (bench/configs/*.yaml, merged after the project's file) and settings changed through
 * the environment. `quick` marks what --quick compares: the project config, Go's default GOGC
 * (what GOGC=200 saves), secrets stripped from every span before the connectors (what stripping
 * only the sampled spans saves) and the masking before issue 24 (what masking span names,
 * status messages and event names costs). None is a proposal: each measures what one part of
 * the pipeline or one setting costs.
 */
const CANDIDATES: {
  label: string;
  overlays: string[];
  env?: Record<string, string>;
  quick: boolean;
}[] = [
  { label: 'project config', overlays: [], quick: true },
  {
    label: 'GOGC=100, the Go default (the chart before issue 20)',
    overlays: [],
    env: { GOGC: '100' },
    quick: true,
  },
  {
    label: 'decision 2 s after the root (the default before issue 20)',
    overlays: [],
    env: { SAMPLING_WAIT_AFTER_ROOT: '2s' },
    quick: false,
  },
  {
    label: 'secrets stripped from every span before the connectors (the config before)',
    overlays: [STRIP_EVERY_SPAN],
    quick: true,
  },
  {
    label: 'masking as before issue 24: attribute values only, no span name normalization',
    overlays: [MASKING_BEFORE_24],
    quick: true,
  },
  {
    label: 'no secret stripping on spans (measurement only)',
    overlays: ['bench/configs/no-stripping.yaml'],
    quick: false,
  },
];

export interface Step {
  offered: number;
  generator: GeneratorReport;
  accepted: number;
  refused: number;
  failed: number;
  exported: number;
  tracesSampled: number;
  tracesNotSampled: number;
  droppedTooEarly: number;
  collectorCpuSeconds: number;
  cpuSecondsPer10kSpans: number;
  collectorCpuShare: number;
  rssBytes: number;
  rssPeakBytes: number;
  tracesInMemory: number;
  decisionTickMs: number;
  sustained: boolean;
  why: string[];
}

async function generate(config: GeneratorConfig): Promise<GeneratorReport> {
  const { stdout } = await run(
    'taskset',
    [
      '-c',
      GENERATOR_CPU,
      process.execPath,
      join(BENCH_DIR, 'lib', 'generator.ts'),
      JSON.stringify(config),
    ],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as GeneratorReport;
}

async function step(collector: BenchCollector, offered: number, settings: Settings): Promise<Step> {
  const before: CollectorCounters = await collector.counters();
  const cpuBefore = cpuSeconds(collector.pid);
  const generator = await generate({
    url: collector.collector.otlpHttpUrl,
    spansPerSecond: offered,
    seconds: settings.seconds,
    tracesPerRequest: TRACES_PER_REQUEST,
    connections: 16,
    mix: MIX,
  });
  const cpuDuring = cpuSeconds(collector.pid) - cpuBefore;
  const during = await collector.counters();
  const rss = rssBytes(collector.pid);
  // Let the sampler decide what the step sent (1–2 s after each root) before reading the totals.
  await sleep(settings.settleSeconds * 1000);
  const after = await collector.counters();
  const cpu = cpuSeconds(collector.pid) - cpuBefore;
  const accepted = after.accepted - before.accepted;
  const refused = after.refused - before.refused;
  const failed = after.failed - before.failed;
  const ticks = after.decisionLatencyCount - before.decisionLatencyCount;
  const decisionTickMs =
    ticks > 0 ? (after.decisionLatencySumMs - before.decisionLatencySumMs) / ticks : 0;
  const why: string[] = [];
  if (refused > 0) why.push(`${refused} spans refused`);
  if (failed > 0) why.push(`${failed} spans failed`);
  const refusedByGenerator = Object.values(generator.refusedByStatus).reduce((a, b) => a + b, 0);
  if (refusedByGenerator > 0) why.push(`non-2xx answers for ${refusedByGenerator} spans`);
  if (generator.transportErrors > 0) why.push(`${generator.transportErrors} transport errors`);
  if (generator.achievedSpansPerSecond < offered * 0.98) {
    why.push(`delivered ${fixed(generator.achievedSpansPerSecond, 0)}/s of ${offered}/s`);
  }
  if (after.droppedTooEarly > before.droppedTooEarly) why.push('traces dropped before decision');
  if (decisionTickMs > 1000)
    why.push(`decision tick ${fixed(decisionTickMs, 0)} ms (falling behind)`);
  return {
    offered,
    generator,
    accepted,
    refused,
    failed,
    exported: after.exported - before.exported,
    tracesSampled: after.tracesSampled - before.tracesSampled,
    tracesNotSampled: after.tracesNotSampled - before.tracesNotSampled,
    droppedTooEarly: after.droppedTooEarly - before.droppedTooEarly,
    collectorCpuSeconds: cpu,
    cpuSecondsPer10kSpans: accepted > 0 ? cpu / (accepted / 10_000) : Number.NaN,
    collectorCpuShare: cpuDuring / generator.seconds,
    rssBytes: rss,
    rssPeakBytes: rssPeakBytes(collector.pid),
    tracesInMemory: during.tracesInMemory,
    decisionTickMs,
    sustained: why.length === 0,
    why,
  };
}

export async function capacityRun(
  options: { overlays?: string[]; env?: Record<string, string>; label: string },
  settings: Settings,
  log: (message: string) => void,
  workDir: string,
) {
  const sink = await startNullSink();
  // The bench process (sink, scrapes) stays off the collector's core.
  pinProcess(process.pid, GENERATOR_CPU);
  const steps: Step[] = [];
  try {
    // A fresh collector per step: a step that overloaded it (memory held, refusals) must not
    // decide the next one, and each step's peak RSS is its own.
    const tryRate = async (rate: number) => {
      const collector = await startBenchCollector({
        tracesUrl: sink.url,
        overlays: options.overlays,
        env: { GOMAXPROCS: '1', ...options.env },
        cpus: COLLECTOR_CPU,
        logFile: join(workDir, `otelcol-${options.label}.log`),
      });
      let result: Step;
      try {
        result = await step(collector, rate, settings);
      } finally {
        await collector.stop();
      }
      steps.push(result);
      log(
        `  ${options.label} ${rate} spans/s → accepted ${fixed(result.accepted / settings.seconds, 0)}/s, refused ${result.refused}, collector CPU ${percent(result.collectorCpuShare, 0)}, ${fixed(result.cpuSecondsPer10kSpans, 3)} CPU s/10k spans, RSS ${mib(result.rssBytes)} MiB, generator CPU ${percent(result.generator.cpuShareOfCore, 0)}${result.sustained ? '' : ` — NOT sustained: ${result.why.join('; ')}`}`,
      );
      return result.sustained;
    };
    let lastGood: number | undefined;
    let firstBad: number | undefined;
    for (const rate of settings.rates) {
      if (await tryRate(rate)) lastGood = rate;
      else {
        firstBad = rate;
        break;
      }
    }
    for (let i = 0; i < settings.bisect && lastGood !== undefined && firstBad !== undefined; i++) {
      const mid = Math.round((lastGood + firstBad) / 2 / 1000) * 1000;
      if (mid === lastGood || mid === firstBad) break;
      if (await tryRate(mid)) lastGood = mid;
      else firstBad = mid;
    }
    return {
      label: options.label,
      steps,
      highestSustained: lastGood,
      firstFailing: firstBad,
      rssPeakBytes: Math.max(0, ...steps.filter((s) => s.sustained).map((s) => s.rssPeakBytes)),
    };
  } finally {
    await sink.close();
    pinProcess(process.pid, ALL_CPUS);
  }
}

/**
 * One collector per variant and round, one step at a rate every variant sustains: CPU per span.
 * Rounds alternate the order (forward, then backward) and the median is reported.
 */
async function compareCandidates(
  settings: Settings,
  log: (message: string) => void,
  workDir: string,
) {
  const sink = await startNullSink();
  pinProcess(process.pid, GENERATOR_CPU);
  const chosen = CANDIDATES.filter((c) => settings.candidates === 'all' || c.quick);
  const steps = new Map<string, Step[]>(chosen.map((c) => [c.label, []]));
  try {
    for (let round = 0; round < settings.candidateRounds; round++) {
      for (const candidate of round % 2 === 0 ? chosen : [...chosen].reverse()) {
        const collector = await startBenchCollector({
          tracesUrl: sink.url,
          overlays: candidate.overlays,
          env: { GOMAXPROCS: '1', ...candidate.env },
          cpus: COLLECTOR_CPU,
          logFile: join(workDir, 'otelcol-candidates.log'),
        });
        try {
          const result = await step(collector, settings.candidateRate, settings);
          steps.get(candidate.label)?.push(result);
          log(
            `  r${round} ${candidate.label}: ${fixed(result.cpuSecondsPer10kSpans, 3)} CPU s/10k spans, RSS ${mib(result.rssPeakBytes)} MiB${result.sustained ? '' : ` — NOT sustained: ${result.why.join('; ')}`}`,
          );
        } finally {
          await collector.stop();
        }
      }
    }
  } finally {
    await sink.close();
    pinProcess(process.pid, ALL_CPUS);
  }
  return chosen.map((c) => {
    const list = steps.get(c.label) ?? [];
    return {
      label: c.label,
      overlays: c.overlays,
      env: c.env,
      cpuSecondsPer10kSpans: median(list.map((s) => s.cpuSecondsPer10kSpans)),
      rssPeakBytes: median(list.map((s) => s.rssPeakBytes)),
      sustained: list.every((s) => s.sustained),
      steps: list,
    };
  });
}

function stepTable(title: string, steps: Step[], seconds: number): Table {
  return {
    title,
    columns: [
      'offered spans/s',
      'accepted spans/s',
      'refused',
      'collector CPU (1 core)',
      'CPU s / 10k spans',
      'RSS MiB (peak)',
      'traces held',
      'sampled traces %',
      'generator CPU',
      'export p99 ms',
      'sustained',
    ],
    rows: steps.map((s) => [
      s.offered,
      fixed(s.accepted / seconds, 0),
      s.refused,
      percent(s.collectorCpuShare, 0),
      fixed(s.cpuSecondsPer10kSpans, 3),
      `${mib(s.rssBytes)} (${mib(s.rssPeakBytes)})`,
      s.tracesInMemory,
      percent(s.tracesSampled / Math.max(1, s.tracesSampled + s.tracesNotSampled)),
      percent(s.generator.cpuShareOfCore, 0),
      fixed(s.generator.requestLatencyMs.p99, 1),
      s.sustained ? 'yes' : `no: ${s.why.join('; ')}`,
    ]),
  };
}

const ramp = (steps: Step[], seconds: number): [number, number][] =>
  steps
    .slice()
    .sort((a, b) => a.offered - b.offered)
    .map((s) => [s.offered, s.accepted / seconds]);

export const collectorCapacity: Benchmark = {
  name: 'collector-capacity',
  description: 'spans/s the full collector pipeline sustains on one core, with zero refused',
  async run({ quick, log, workDir }) {
    const settings = quick ? SETTINGS.quick : SETTINGS.full;
    log('ramp, project config:');
    const baseline = await capacityRun({ label: 'project config' }, settings, log, workDir);
    log(`candidates at ${settings.candidateRate} spans/s:`);
    const candidates = await compareCandidates(settings, log, workDir);
    const top = baseline.highestSustained;
    const atTop = baseline.steps.find((s) => s.offered === top);
    const chart = writeChart('collector-capacity', {
      title: 'Collector on one core: accepted vs offered spans/s',
      xLabel: 'offered spans/s',
      yLabel: 'accepted spans/s',
      series: [{ name: 'project config', points: ramp(baseline.steps, settings.seconds) }],
      diagonal: true,
      quick,
    });
    const base = candidates[0]?.cpuSecondsPer10kSpans ?? Number.NaN;
    const everySpan = candidates.find((c) => c.overlays.includes(STRIP_EVERY_SPAN));
    const before24 = candidates.find((c) => c.overlays.includes(MASKING_BEFORE_24));
    const tables: Table[] = [
      stepTable(
        `Full pipeline (collector/otel-collector.yaml) on one core, ${settings.seconds} s per step, ${SPANS_PER_TRACE}-span order traces, ${TRACES_PER_REQUEST} traces per request, 1% error / 2% slow`,
        baseline.steps,
        settings.seconds,
      ),
      {
        title: `Config candidates at ${settings.candidateRate} spans/s (one core): CPU per span, median of ${settings.candidateRounds} round(s)`,
        columns: [
          'variant',
          'overlay (bench/configs/) or setting',
          'CPU s / 10k spans',
          'vs project config',
          'capacity at 100% of a core',
          'RSS peak MiB',
        ],
        rows: candidates.map((c) => [
          c.label,
          [
            ...c.overlays.map((o) => o.replace('bench/configs/', '')),
            ...Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v}`),
          ].join(' + ') || '–',
          fixed(c.cpuSecondsPer10kSpans, 3),
          percent(c.cpuSecondsPer10kSpans / base - 1),
          fixed(10_000 / c.cpuSecondsPer10kSpans, 0),
          mib(c.rssPeakBytes),
        ]),
        notes: [
          '"capacity at 100% of a core" = 10k / (CPU s per 10k spans): the CPU bound alone; memory (the memory limiter refusing) can bind first.',
        ],
      },
    ];
    return {
      settings: {
        ...settings,
        collectorCpu: COLLECTOR_CPU,
        generatorCpu: GENERATOR_CPU,
        gomaxprocs: 1,
        mix: MIX,
        spansPerTrace: SPANS_PER_TRACE,
        tracesPerRequest: TRACES_PER_REQUEST,
        encoding: 'OTLP/HTTP protobuf',
      },
      data: { baseline, candidates, chart },
      tables,
      summary: {
        collector_spans_per_s_core: top ?? 0,
        collector_rss_mib: Math.round(baseline.rssPeakBytes / 2 ** 20),
      },
      headlines: [
        top === undefined
          ? 'no step was sustained'
          : `project config: highest sustained with zero refused ${top} spans/s on one core (first failing: ${baseline.firstFailing ?? 'none up to the last step'}); ${fixed(atTop?.cpuSecondsPer10kSpans, 3)} CPU s per 10k spans at that rate, RSS peak ${mib(baseline.rssPeakBytes)} MiB; target ≥ 50k spans/s with RSS ≤ 512 MiB ${top >= 50_000 && baseline.rssPeakBytes <= 512 * 2 ** 20 ? 'met' : top >= 45_000 ? 'NOT met (≥ 45k must-show met)' : 'NOT met'}`,
        ...(everySpan
          ? [
              `stripping secrets from the sampled spans only saves ${percent(1 - base / everySpan.cpuSecondsPer10kSpans)} of the CPU per span that stripping every span costs (${fixed(everySpan.cpuSecondsPer10kSpans, 3)} → ${fixed(base, 3)} CPU s per 10k spans at ${settings.candidateRate} spans/s)`,
            ]
          : []),
        ...(before24
          ? [
              `masking span names, status messages and event names and normalizing ids in span names costs ${percent(base / before24.cpuSecondsPer10kSpans - 1)} CPU per span against the masking before issue 24 (${fixed(before24.cpuSecondsPer10kSpans, 3)} → ${fixed(base, 3)} CPU s per 10k spans at ${settings.candidateRate} spans/s; the budget is +5%)`,
            ]
          : []),
      ],
    };
  },
};
