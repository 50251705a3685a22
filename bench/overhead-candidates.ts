import { candidate, type Infra, startInfra, type Variant } from './lib/app-bench.ts';
import { type Benchmark, fixed, percent, type Table } from './lib/report.ts';
import { median } from './lib/stats.ts';
import { DISTURBED_CORES, otherCores, type RoundResult, runRestarting } from './overhead.ts';

/** Variants that put back what the project register turned off in issue 9. */
const BEFORE_ISSUE_9 = [
  'with-handler-span',
  'with-pg-connect',
  'with-http-server',
  'before-issue-9',
];

const ALL: Variant[] = [
  {
    name: 'baseline',
    label: 'the project register (packages/telemetry, no change)',
    env: {},
  },
  candidate('copy', 'copy of the project register, no switch (checks the copy)', ''),
  candidate(
    'with-handler-span',
    '+ handler span (@fastify/otel instrumentHandler: true, as before issue 9)',
    'handler-span',
  ),
  candidate(
    'with-pg-connect',
    '+ pg connect spans (ignoreConnectSpans: false, as before issue 9)',
    'pg-connect',
  ),
  candidate(
    'with-http-server',
    "+ the HTTP instrumentation's SERVER span, fastify's `request` below it (as before issue 9)",
    'http-server',
  ),
  candidate(
    'before-issue-9',
    'all three: the register before issue 9 (what issue 9 saved)',
    'handler-span,pg-connect,http-server',
  ),
  candidate('no-pino', 'no pino instrumentation', 'no-pino'),
  candidate('bsp-2048', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE=2048, OTEL_BSP_MAX_QUEUE_SIZE=8192', '', {
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048',
    OTEL_BSP_MAX_QUEUE_SIZE: '8192',
  }),
  candidate(
    'no-export',
    'spans made and batched, not serialized or sent (measurement only)',
    'no-export',
  ),
  candidate(
    'no-fastify',
    'no @fastify/otel at all (measurement only: loses http.route)',
    'no-fastify',
  ),
  {
    name: 'bare',
    label: 'no telemetry loaded at all (`--import` of an empty module)',
    env: {},
    register: 'data:text/javascript,',
  },
  {
    name: 'off',
    label: 'tracing OFF (project register, OTEL_SDK_DISABLED=true: nothing constructed)',
    env: { OTEL_SDK_DISABLED: 'true' },
  },
];

const SETTINGS = {
  full: {
    // with-handler-span and with-pg-connect were measured alone before (bench/README.md) and
    // are in before-issue-9; BENCH_CANDIDATES names them to run them again.
    variants: [
      'baseline',
      'copy',
      'with-http-server',
      'before-issue-9',
      'no-pino',
      'no-export',
      'off',
    ],
    rounds: 3,
    warmupSeconds: 3,
    orderSeconds: 10,
    orderLatencySeconds: 5,
    readSeconds: 0,
    readLatencySeconds: 0,
    loginSeconds: 0,
    connections: 16,
    loginConnections: 4,
    quietMinMs: 5500,
  },
  quick: {
    variants: ['baseline', 'before-issue-9', 'off'],
    rounds: 1,
    warmupSeconds: 2,
    orderSeconds: 4,
    orderLatencySeconds: 3,
  },
};

export const overheadCandidates: Benchmark = {
  name: 'overhead-candidates',
  description: 'CPU per order each candidate telemetry change costs or saves (order flow)',
  async run({ quick, log, workDir }) {
    // --quick: fewer variants, one shorter round, the rest as in the full run.
    const settings = quick ? { ...SETTINGS.full, ...SETTINGS.quick } : SETTINGS.full;
    // BENCH_CANDIDATES=name,name… picks other variants (all: ${ALL.map((v) => v.name)}).
    const names = process.env.BENCH_CANDIDATES?.split(',') ?? settings.variants;
    const variants = ALL.filter((v) => names.includes(v.name));
    log('starting PostgreSQL, RabbitMQ, the collector (→ null sink)…');
    const infra: Infra = await startInfra(workDir);
    let results: RoundResult[];
    try {
      results = await runRestarting(infra, variants, settings, log);
    } finally {
      await infra.stop();
    }
    // Per variant, only its undisturbed rounds (other work under DISTURBED_CORES), if any.
    const usable = (variant: string) => {
      const all = results.filter((r) => r.variant === variant);
      const calm = all.filter((r) => otherCores(r) <= DISTURBED_CORES);
      return calm.length > 0 ? calm : all;
    };
    const of = (variant: string, pick: (r: RoundResult) => number | undefined) =>
      median(usable(variant).map((r) => pick(r) ?? Number.NaN));
    const cpu = (variant: string) =>
      of(variant, (r) => r.order.saturated.cpuMsPerRequest?.services);
    const base = cpu('baseline');
    const off = cpu('off');
    const rows = variants.map((v) => {
      const c = cpu(v.name);
      return {
        name: v.name,
        label: v.label,
        serviceCpuMs: c,
        deltaMs: c - base,
        deltaShareOfTracingCost: (c - base) / (base - off),
        collectorCpuMs: of(v.name, (r) => r.order.saturated.cpuMsPerRequest?.collector),
        rps: of(v.name, (r) => r.order.saturated.load.rps),
        p50: of(v.name, (r) => r.order.single.load.latency.p50),
        spans: of(v.name, (r) => r.order.saturated.spansPerRequest),
        roundsUsed: usable(v.name).length,
      };
    });
    const table: Table = {
      title: `Candidate telemetry changes, order flow, medians of ${settings.rounds} round(s)`,
      columns: [
        'variant',
        'change',
        'service CPU ms/order',
        'vs baseline ms/order',
        'vs baseline, share of tracing cost',
        'spans/order',
        'collector CPU ms/order',
        'req/s (c=16)',
        'p50 ms (c=1)',
        'rounds used',
      ],
      rows: rows.map((r) => [
        r.name,
        r.label,
        fixed(r.serviceCpuMs, 2),
        ['baseline', 'off', 'bare'].includes(r.name) ? undefined : fixed(r.deltaMs, 2),
        ['baseline', 'off', 'bare'].includes(r.name)
          ? undefined
          : percent(r.deltaShareOfTracingCost),
        fixed(r.spans, 1),
        fixed(r.collectorCpuMs, 2),
        fixed(r.rps, 0),
        fixed(r.p50, 2),
        r.roundsUsed,
      ]),
      notes: [
        `"vs baseline" = variant − baseline, service CPU per order (positive: the variant costs more; for the ${BEFORE_ISSUE_9.join(', ')} rows, what issue 9's change saves), and as a share of tracing's cost (baseline − off); medians over the variant's rounds in which other work on the machine stayed under ${DISTURBED_CORES} cores. Between undisturbed rounds service CPU per order still varies by about ±1 ms: smaller differences are not findings.`,
      ],
    };
    const baseline = rows.find((r) => r.name === 'baseline');
    const before = rows.find((r) => r.name === 'before-issue-9');
    const bare = rows.find((r) => r.name === 'bare');
    return {
      settings: { ...settings, variants },
      data: { rows, rounds: results },
      tables: [table],
      summary: [
        `tracing costs ${fixed(base - off, 2)} ms of service CPU per order (project register ${fixed(base, 2)} vs off ${fixed(off, 2)})`,
        ...(before
          ? [
              `issue 9's change (no handler span, no pg connect spans, fastify's span as the SERVER span) saves ${fixed(before.deltaMs, 2)} ms per order (${percent(before.deltaShareOfTracingCost)} of what tracing still costs); spans per order ${fixed(before.spans, 1)} → ${fixed(baseline?.spans, 1)}, collector CPU per order ${fixed(before.collectorCpuMs, 2)} → ${fixed(baseline?.collectorCpuMs, 2)} ms`,
            ]
          : []),
        ...(bare
          ? [
              `tracing off (OTEL_SDK_DISABLED=true: no instrumentation constructed, nothing patched) ${fixed(off, 2)} ms of service CPU per order vs no telemetry module loaded at all ${fixed(bare.serviceCpuMs, 2)} ms`,
            ]
          : []),
      ],
    };
  },
};
