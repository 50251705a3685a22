/**
 * One service alone, what each telemetry variant costs it per request, finer than the order
 * flow can show: payment-service (one hop, `POST /charges`: its SERVER span and chargePayment)
 * is started per round and variant and driven at a FIXED rate far below saturation, so nothing
 * competes for the CPU and its CPU per request (from /proc) is the measure. The order flow's
 * five services, PostgreSQL, RabbitMQ and the collector on two cores separate variants to about
 * ±1 ms per order (`overhead-candidates`); alone, a service's rounds agree to ~±30 µs per request.
 * Spans are exported to a null sink (an OTLP receiver that answers 200 and counts bytes).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { freePort, startServiceProcess } from '@tracing-demo/platform';
import { candidate, type Variant } from './lib/app-bench.ts';
import { drive, type LoadResult } from './lib/load.ts';
import { startNullSink } from './lib/null-sink.ts';
import { cpuSeconds } from './lib/proc.ts';
import { type Benchmark, fixed } from './lib/report.ts';
import { median, sleep } from './lib/stats.ts';

const VARIANTS: Variant[] = [
  {
    name: 'off',
    label: 'tracing OFF (OTEL_SDK_DISABLED=true)',
    env: { OTEL_SDK_DISABLED: 'true' },
  },
  { name: 'on', label: 'the project register (packages/telemetry)', env: {} },
  {
    name: 'http-json',
    label: 'OTLP http/json instead of protobuf (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL)',
    env: { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' },
  },
  candidate(
    'with-http-server',
    "the HTTP instrumentation's SERVER span, fastify's `request` below it (before issue 9)",
    'http-server',
  ),
  candidate(
    'no-pino',
    'no pino instrumentation (no trace ids in log lines: measurement only)',
    'no-pino',
  ),
  candidate(
    'no-export',
    'spans made and batched, not serialized or sent (measurement only)',
    'no-export',
  ),
];

const SETTINGS = {
  full: { rounds: 3, rate: 400, connections: 4, warmupSeconds: 3, seconds: 10 },
  quick: { rounds: 1, rate: 400, connections: 4, warmupSeconds: 2, seconds: 4 },
};

interface Round {
  round: number;
  variant: string;
  cpuUsPerRequest: number;
  load: LoadResult;
  exportBytesPerRequest: number;
}

export const serviceAlone: Benchmark = {
  name: 'service-alone',
  description: 'one service at a fixed rate: CPU per request of each telemetry variant',
  async run({ quick, log, workDir }) {
    const settings = quick ? SETTINGS.quick : SETTINGS.full;
    const sink = await startNullSink();
    const body = JSON.stringify({
      orderId: randomUUID(),
      amountCents: 1299,
      currency: 'USD',
      method: 'card',
      cardNumber: '4242424242424242',
    });
    const rounds: Round[] = [];
    try {
      for (let round = 0; round < settings.rounds; round++) {
        // Alternating order, so drift over the run hits every variant alike.
        const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
        for (const variant of order) {
          const service = await startServiceProcess({
            name: 'payment-service',
            port: await freePort(),
            env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, LOG_LEVEL: 'info', ...variant.env },
            logFile: join(workDir, `payment-service.${variant.name}.log`),
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
            const cpuUsPerRequest = ((cpuSeconds(service.pid) - cpuBefore) * 1e6) / requests;
            rounds.push({
              round,
              variant: variant.name,
              cpuUsPerRequest,
              load: result,
              exportBytesPerRequest: (sink.bytes - bytesBefore) / requests,
            });
            log(
              `  r${round} ${variant.name}: ${fixed(result.rps, 0)} req/s, CPU ${fixed(cpuUsPerRequest, 0)} µs/request, p50 ${fixed(result.latency.p50, 3)} ms`,
            );
          } finally {
            await service.stop();
          }
        }
      }
    } finally {
      await sink.close();
    }
    const of = (name: string, pick: (r: Round) => number) =>
      median(rounds.filter((r) => r.variant === name).map(pick));
    const off = of('off', (r) => r.cpuUsPerRequest);
    const on = of('on', (r) => r.cpuUsPerRequest);
    const rows = VARIANTS.map((v) => {
      const cpu = of(v.name, (r) => r.cpuUsPerRequest);
      return {
        name: v.name,
        label: v.label,
        cpuUsPerRequest: cpu,
        vsOff: cpu - off,
        vsOn: cpu - on,
        p50: of(v.name, (r) => r.load.latency.p50),
        exportBytes: of(v.name, (r) => r.exportBytesPerRequest),
      };
    });
    const httpServer = rows.find((r) => r.name === 'with-http-server');
    return {
      settings: {
        ...settings,
        service: 'payment-service',
        route: 'POST /charges',
        variants: VARIANTS,
      },
      data: {
        rows,
        rounds: rounds.map(({ load, ...r }) => ({ ...r, load: { ...load, samples: undefined } })),
      },
      tables: [
        {
          title: `payment-service alone, POST /charges at ${settings.rate} req/s (${settings.connections} connections), medians of ${settings.rounds} round(s)`,
          columns: [
            'variant',
            'change',
            'CPU µs/request',
            'vs OFF µs',
            'vs project register µs',
            'p50 ms',
            'OTLP bytes/request',
          ],
          rows: rows.map((r) => [
            r.name,
            r.label,
            fixed(r.cpuUsPerRequest, 0),
            r.name === 'off' ? undefined : fixed(r.vsOff, 0),
            r.name === 'on' ? undefined : fixed(r.vsOn, 0),
            fixed(r.p50, 3),
            fixed(r.exportBytes, 0),
          ]),
          notes: [
            "CPU is the service process's own (/proc), from the start of the measured load until 5.5 s after it (the last export batch), divided by the requests sent.",
          ],
        },
      ],
      summary: [
        `tracing costs payment-service ${fixed(on - off, 0)} µs of CPU per request (${fixed(on, 0)} ON vs ${fixed(off, 0)} OFF)`,
        ...(httpServer
          ? [
              `the HTTP instrumentation's SERVER span with fastify's below it (before issue 9) cost ${fixed(httpServer.vsOn, 0)} µs more per request`,
            ]
          : []),
      ],
    };
  },
};
