/**
 * Telemetry variants side by side, for exploring a change before it goes into the project's
 * register; not in the default run. Usage, modes and variants: bench/README.md (`compare`).
 *
 *   node bench/run.ts compare --mode=service|order|floor --variants=off,on,no-export [--quick]
 *
 * Each mode writes results/compare-<mode>.json; rounds alternate the variants' order.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { freePort, startServiceProcess } from '@tracing-demo/platform';
import {
  candidate,
  measure,
  STOCK,
  stackCpuOf,
  startInfra,
  startTarget,
  type Variant,
  waitQuiet,
} from './lib/app-bench.ts';
import { drive } from './lib/load.ts';
import { startNullSink } from './lib/null-sink.ts';
import { cpuSeconds } from './lib/proc.ts';
import {
  BENCH_DIR,
  type BenchContext,
  type Benchmark,
  type Cell,
  fixed,
  readResult,
} from './lib/report.ts';
import { median, sleep } from './lib/stats.ts';

/** The variants each mode runs unless --variants names others. */
const VARIANTS = {
  service: {
    full: ['off', 'on', 'http-json', 'no-fastify', 'no-export'],
    quick: ['off', 'on', 'no-export'],
  },
  order: {
    full: ['on', 'copy', 'no-pg', 'no-export', 'off'],
    quick: ['on', 'no-export', 'off'],
  },
  floor: { full: ['batched', 'encoded'], quick: ['batched', 'encoded'] },
};

const SETTINGS = {
  service: {
    full: { rounds: 3, rate: 400, connections: 4, warmupSeconds: 3, seconds: 10 },
    quick: { rounds: 1, rate: 400, connections: 4, warmupSeconds: 2, seconds: 4 },
  },
  order: {
    full: { rounds: 3, connections: 16, warmupSeconds: 3, seconds: 10, latencySeconds: 5 },
    quick: { rounds: 1, connections: 16, warmupSeconds: 2, seconds: 4, latencySeconds: 3 },
  },
  floor: {
    full: { rounds: 5, spans: 200_000, warmupSpans: 50_000 },
    quick: { rounds: 1, spans: 20_000, warmupSpans: 10_000 },
  },
};
type Mode = keyof typeof SETTINGS;

const variant = (name: string, label: string, env = {}, register?: string): Variant => ({
  name,
  label,
  env,
  register,
});

const NAMED: Variant[] = [
  variant('on', 'the project register (packages/telemetry)'),
  variant('off', 'tracing OFF (OTEL_SDK_DISABLED=true)', { OTEL_SDK_DISABLED: 'true' }),
  variant('bare', 'no telemetry module loaded at all', {}, 'data:text/javascript,'),
  variant('http-json', 'OTLP http/json instead of protobuf', {
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
  }),
  variant('bsp-2048', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE=2048, OTEL_BSP_MAX_QUEUE_SIZE=8192', {
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048',
    OTEL_BSP_MAX_QUEUE_SIZE: '8192',
  }),
  STOCK,
  candidate('copy', 'register-candidate.ts, no switch (must cost what `on` costs)', ''),
];

/** The switches bench/lib/register-candidate.ts documents in its header (` *   name   text`). */
function candidateSwitches(): Map<string, string> {
  const source = readFileSync(join(BENCH_DIR, 'lib', 'register-candidate.ts'), 'utf8');
  const switches = new Map<string, string>();
  let last: string | undefined;
  for (const line of source.slice(0, source.indexOf('*/')).split('\n')) {
    const start = /^ \*\s{3}([a-z0-9-]+)\s{2,}(.+)$/.exec(line);
    const more = /^ \*\s{6,}(.+)$/.exec(line);
    if (start) {
      last = start[1] as string;
      switches.set(last, (start[2] as string).trim());
    } else if (more && last)
      switches.set(last, `${switches.get(last)} ${(more[1] as string).trim()}`);
    else last = undefined;
  }
  return switches;
}

export function resolveVariant(name: string): Variant {
  const named = NAMED.find((v) => v.name === (name === 'baseline' ? 'on' : name));
  if (named) return name === 'baseline' ? { ...named, name } : named;
  const switches = candidateSwitches();
  const changes = name.split('+');
  const unknown = changes.filter((change) => !switches.has(change));
  if (unknown.length > 0) {
    throw new Error(
      `unknown variant ${name}: known ${[...NAMED.map((v) => v.name), ...switches.keys()].join(', ')} (switches joined by +)`,
    );
  }
  const label = changes.map((change) => `${change}: ${switches.get(change)}`).join('; ');
  return candidate(name, `register-candidate.ts: ${label}`, changes.join(','));
}

/** One variant's measure per round, and the extra columns of its mode. */
interface Row {
  name: string;
  label: string;
  cost: number;
  extra: Cell[];
}

interface ModeRun {
  unit: string;
  /** Decimals shown. */
  digits: number;
  title: string;
  extraColumns: string[];
  rows: Row[];
  rounds: unknown[];
  settings: Record<string, unknown>;
  notes: string[];
}

/** Variants in order, reversed every other round. */
function* alternating<T>(rounds: number, variants: T[]): Generator<[number, T]> {
  for (let round = 0; round < rounds; round++) {
    for (const v of round % 2 === 0 ? variants : [...variants].reverse()) yield [round, v];
  }
}

const medianOf = <R extends { variant: string }>(
  rounds: R[],
  name: string,
  pick: (r: R) => number,
) => median(rounds.filter((r) => r.variant === name).map(pick));

async function serviceMode(
  variants: Variant[],
  quick: boolean,
  { log, workDir }: BenchContext,
): Promise<ModeRun> {
  const settings = SETTINGS.service[quick ? 'quick' : 'full'];
  const sink = await startNullSink();
  const body = JSON.stringify({
    orderId: randomUUID(),
    amountCents: 1299,
    currency: 'USD',
    method: 'card',
    cardNumber: '4242424242424242',
  });
  const rounds: { round: number; variant: string; cpuUs: number; p50: number; bytes: number }[] =
    [];
  try {
    for (const [round, variant] of alternating(settings.rounds, variants)) {
      const service = await startServiceProcess({
        name: 'payment-service',
        port: await freePort(),
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, LOG_LEVEL: 'info', ...variant.env },
        logFile: join(workDir, `payment-service.${variant.name}.r${round}.log`),
        register: variant.register,
      });
      try {
        const load = {
          url: `${service.url}/charges`,
          method: 'POST' as const,
          headers: { 'content-type': 'application/json' },
          body,
          connections: settings.connections,
          overallRate: settings.rate,
        };
        await drive({ ...load, durationSeconds: settings.warmupSeconds });
        await sleep(1000);
        const cpuBefore = cpuSeconds(service.pid);
        const bytesBefore = sink.bytes;
        const result = await drive({ ...load, durationSeconds: settings.seconds });
        // The last export batch (the SDK's 5 s default delay) belongs to these requests.
        await sleep(5500);
        const requests = Math.max(1, result.requests);
        const cpuUs = ((cpuSeconds(service.pid) - cpuBefore) * 1e6) / requests;
        rounds.push({
          round,
          variant: variant.name,
          cpuUs,
          p50: result.latency.p50,
          bytes: (sink.bytes - bytesBefore) / requests,
        });
        log(
          `  r${round} ${variant.name}: ${fixed(result.rps, 0)} req/s, ${fixed(cpuUs, 0)} µs/request`,
        );
      } finally {
        await service.stop();
      }
    }
  } finally {
    await sink.close();
  }
  return {
    unit: 'CPU µs/request',
    digits: 0,
    title: `payment-service alone, POST /charges at ${settings.rate} req/s (${settings.connections} connections), medians of ${settings.rounds} round(s)`,
    extraColumns: ['p50 ms', 'OTLP bytes/request'],
    rows: variants.map((v) => {
      const of = (pick: (r: (typeof rounds)[number]) => number) => medianOf(rounds, v.name, pick);
      const extra = [
        fixed(
          of((r) => r.p50),
          3,
        ),
        fixed(
          of((r) => r.bytes),
          0,
        ),
      ];
      return { name: v.name, label: v.label, cost: of((r) => r.cpuUs), extra };
    }),
    rounds,
    settings: { ...settings, service: 'payment-service', route: 'POST /charges' },
    notes: [
      "CPU is the service process's own (/proc), from the start of the measured load until 5.5 s after it (the last export batch), divided by the requests sent.",
    ],
  };
}

interface OrderRound {
  round: number;
  variant: string;
  serviceMs: number;
  collectorMs: number;
  spans: number;
  rps: number;
  p50: number;
  otherCores: number;
}

/** Rounds where other work on the machine used more than this many cores are left out. */
const DISTURBED_CORES = 0.3;

async function orderMode(
  variants: Variant[],
  quick: boolean,
  { log, workDir }: BenchContext,
): Promise<ModeRun> {
  const settings = SETTINGS.order[quick ? 'quick' : 'full'];
  const quietMinMs = 5500;
  log('starting PostgreSQL, RabbitMQ, the collector (→ null sink)…');
  const infra = await startInfra(workDir);
  const rounds: OrderRound[] = [];
  try {
    for (const [round, variant] of alternating(settings.rounds, variants)) {
      const target = await startTarget(infra, variant, `${variant.name}.r${round}`);
      try {
        await drive(target.orderLoad(settings.connections, settings.warmupSeconds));
        await waitQuiet(stackCpuOf(infra, target), { minMs: quietMinMs });
        const saturated = await measure(
          infra,
          target,
          target.orderLoad(settings.connections, settings.seconds),
          { quietMinMs },
        );
        const single = await drive(target.orderLoad(1, settings.latencySeconds));
        const cpu = saturated.cpuMsPerRequest ?? {};
        const window = saturated.windowSeconds ?? saturated.load.seconds;
        const r = {
          round,
          variant: variant.name,
          serviceMs: cpu.services ?? Number.NaN,
          collectorMs: cpu.collector ?? Number.NaN,
          spans: saturated.spansPerRequest ?? Number.NaN,
          rps: saturated.load.rps,
          p50: single.latency.p50,
          otherCores: ((cpu.other ?? 0) * saturated.load.sent) / 1000 / window,
        };
        rounds.push(r);
        log(
          `  r${round} ${variant.name}: ${fixed(r.rps, 0)} orders/s, services ${fixed(r.serviceMs, 2)} ms/order, ${fixed(r.spans, 1)} spans/order`,
        );
      } finally {
        await target.stack.stop();
        // The collector decides the last traces a second or two after their roots: let it finish.
        await waitQuiet(() => cpuSeconds(infra.collector.pid), { minMs: 2500 });
      }
    }
  } finally {
    await infra.stop();
  }
  // Per variant, its undisturbed rounds if it has any.
  const calm = (name: string) => {
    const all = rounds.filter((r) => r.variant === name);
    const quiet = all.filter((r) => r.otherCores <= DISTURBED_CORES);
    return quiet.length > 0 ? quiet : all;
  };
  const of = (name: string, pick: (r: OrderRound) => number) => medianOf(calm(name), name, pick);
  const off = variants.some((v) => v.name === 'off') ? of('off', (r) => r.serviceMs) : undefined;
  return {
    unit: 'service CPU ms/order',
    digits: 2,
    title: `Order flow, five services restarted per variant, medians of ${settings.rounds} round(s)`,
    extraColumns: [
      'µs/span vs off',
      'spans/order',
      'collector CPU ms/order',
      'orders/s (c=16)',
      'p50 ms (c=1)',
      'rounds used',
    ],
    rows: variants.map((v) => {
      const show = (pick: (r: OrderRound) => number, digits: number) =>
        fixed(of(v.name, pick), digits);
      const cost = of(v.name, (r) => r.serviceMs);
      const spans = of(v.name, (r) => r.spans);
      const perSpan =
        off === undefined || v.name === 'off' ? undefined : ((cost - off) * 1000) / spans;
      return {
        name: v.name,
        label: v.label,
        cost,
        extra: [
          fixed(perSpan, 1),
          fixed(spans, 1),
          show((r) => r.collectorMs, 2),
          show((r) => r.rps, 0),
          show((r) => r.p50, 2),
          calm(v.name).length,
        ],
      };
    }),
    rounds,
    settings: { ...settings, quietMinMs, disturbedCores: DISTURBED_CORES },
    notes: [
      `Service CPU from the start of the saturated phase until the stack is quiet, divided by the orders sent; rounds where other work used more than ${DISTURBED_CORES} cores are left out when the variant has others. Undisturbed rounds still vary by about ±1 ms per order on two shared cores: smaller differences are not findings.`,
    ],
  };
}

/** A pg query span's attributes, with values of the services' sizes. */
const ATTRIBUTES = {
  'db.system.name': 'postgresql',
  'db.namespace': 'orders',
  'db.operation.name': 'INSERT',
  'db.collection.name': 'orders',
  'db.query.text':
    'INSERT INTO orders (id, user_id, status, total_cents, currency) VALUES ($1, $2, $3, $4, $5)',
  'server.address': '127.0.0.1',
  'server.port': 5432,
  'network.peer.address': '127.0.0.1',
  'network.peer.port': 5432,
};

const FLOOR_VARIANTS: Record<string, string> = {
  batched: 'span made, ended and batched; dropped at the exporter',
  encoded: '… and encoded as OTLP protobuf, as the services’ exporter does',
};

/** Spans between yields, about a handful of requests' worth: a loop that never yields only
 * fills the batch processor's queue, and it drops spans. */
const CHUNK = 64;

async function floorRound(encode: boolean, spans: number, warmupSpans: number) {
  let exported = 0;
  const exporter: SpanExporter = {
    export(batch, done) {
      exported += batch.length;
      if (encode) ProtobufTraceSerializer.serializeRequest(batch);
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
  };
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('compare-floor');
  const make = async (count: number) => {
    let made = 0;
    for (; made < count; made += CHUNK) {
      const root = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER });
      const parent = trace.setSpan(ROOT_CONTEXT, root);
      for (let i = 1; i < CHUNK; i++) {
        tracer
          .startSpan('INSERT orders', { kind: SpanKind.CLIENT, attributes: ATTRIBUTES }, parent)
          .end();
      }
      root.end();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return made;
  };
  await make(warmupSpans);
  await provider.forceFlush();
  const before = exported;
  const start = process.cpuUsage();
  const made = await make(spans);
  await provider.forceFlush();
  const cpu = process.cpuUsage(start);
  await provider.shutdown();
  // Every span made must reach the exporter, or the CPU per span is not a span's cost.
  if (exported - before !== made) {
    throw new Error(
      `${made} spans made, ${exported - before} exported: the batch processor dropped spans`,
    );
  }
  return (cpu.user + cpu.system) / made;
}

async function floorMode(names: string[], quick: boolean, { log }: BenchContext): Promise<ModeRun> {
  const settings = SETTINGS.floor[quick ? 'quick' : 'full'];
  const unknown = names.filter((name) => !(name in FLOOR_VARIANTS));
  if (unknown.length > 0)
    throw new Error(`floor variants: ${Object.keys(FLOOR_VARIANTS).join(', ')}`);
  const rounds: { round: number; variant: string; cpuUs: number }[] = [];
  for (const [round, name] of alternating(settings.rounds, names)) {
    const cpuUs = await floorRound(name === 'encoded', settings.spans, settings.warmupSpans);
    rounds.push({ round, variant: name, cpuUs });
    log(`  r${round} ${name}: ${fixed(cpuUs, 2)} µs CPU per span`);
  }
  const spans = (
    readResult('overhead', false)?.data as { summary?: { order?: { spansPerRequest?: number } } }
  )?.summary?.order?.spansPerRequest;
  return {
    unit: 'CPU µs/span',
    digits: 2,
    title: `The SDK alone, ${settings.spans} spans per round (a root and ${CHUNK - 1} CLIENT children with a pg query's 9 attributes per chunk), medians of ${settings.rounds} round(s)`,
    extraColumns: [`per order (${fixed(spans, 1) ?? '?'} spans, the last full overhead run), ms`],
    rows: names.map((name) => {
      const cost = medianOf(rounds, name, (r) => r.cpuUs);
      return {
        name,
        label: FLOOR_VARIANTS[name] as string,
        cost,
        extra: [spans === undefined ? undefined : fixed((cost * spans) / 1000, 2)],
      };
    }),
    rounds,
    settings: { ...settings, chunk: CHUNK, attributes: ATTRIBUTES },
    notes: [
      'CPU of this process (process.cpuUsage) from the first span of the round to the end of the last export, divided by the spans made; every span made was exported.',
    ],
  };
}

export const compare: Benchmark = {
  name: 'compare',
  description: 'telemetry variants side by side: --mode=service|order|floor --variants=a,b,…',
  async run(context) {
    const { quick, options } = context;
    const mode = (options.mode ?? process.env.COMPARE_MODE ?? 'service') as Mode;
    if (!(mode in SETTINGS)) throw new Error(`--mode is service, order or floor, not ${mode}`);
    const names =
      (options.variants ?? process.env.COMPARE_VARIANTS)?.split(',').filter(Boolean) ??
      VARIANTS[mode][quick ? 'quick' : 'full'];
    const run =
      mode === 'floor'
        ? await floorMode(names, quick, context)
        : await (mode === 'service' ? serviceMode : orderMode)(
            names.map(resolveVariant),
            quick,
            context,
          );
    const cost = (name: string) => run.rows.find((r) => r.name === name)?.cost;
    const references = [
      'off',
      mode === 'floor' ? 'batched' : names.includes('baseline') ? 'baseline' : 'on',
    ].filter((name) => cost(name) !== undefined);
    const vs = (row: Row, ref: string) => {
      const base = cost(ref);
      return row.name === ref || base === undefined
        ? undefined
        : fixed(row.cost - base, run.digits);
    };
    return {
      resultName: `compare-${mode}`,
      settings: { mode, variants: names, ...run.settings },
      data: { rows: run.rows, rounds: run.rounds },
      tables: [
        {
          title: run.title,
          columns: [
            'variant',
            'change',
            run.unit,
            ...references.map((r) => `vs ${r}`),
            ...run.extraColumns,
          ],
          rows: run.rows.map((row) => [
            row.name,
            row.label,
            fixed(row.cost, run.digits),
            ...references.map((ref) => vs(row, ref)),
            ...row.extra,
          ]),
          notes: run.notes,
        },
      ],
      headlines: run.rows.map(
        (row) =>
          `${row.name}: ${fixed(row.cost, run.digits)} ${run.unit}${references
            .filter((ref) => ref !== row.name)
            .map((ref) => `, ${vs(row, ref)} vs ${ref}`)
            .join('')}`,
      ),
    };
  },
};
