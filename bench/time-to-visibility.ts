/**
 * Time to visibility: from the moment a client has an order's response to the moment its trace
 * can be fetched from Jaeger by id, through the whole pipeline (the services' SDK batch
 * processor → the collector with the chart's tail-sampling waits → batch → Jaeger, whose own
 * batch processor writes to badger), with the chart's defaults for the services' SDK export
 * delay and the collector (read from `helm template`, bench/lib/collector.ts).
 *
 * To measure every trace and not only the ~13% the sampler keeps, the baseline share is 100%
 * (SAMPLING_BASELINE_PERCENT): a trace's decision time does not depend on which policy keeps
 * it, only on decision_wait_after_root_received, the 1 s decision tick and the batch timeout.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceStore } from '@tracing-demo/cli';
import { createDatabase, startJaeger, startPostgres, startRabbitMq } from '@tracing-demo/platform';
import {
  type BenchCollector,
  chartCollectorEnv,
  chartServiceSdkEnv,
  startBenchCollector,
} from './lib/collector.ts';
import { jaegerStore, traceById } from './lib/jaeger.ts';
import { percentile } from './lib/load.ts';
import { loadAverage } from './lib/proc.ts';
import { type Benchmark, fixed, type Table } from './lib/report.ts';
import { login, startAppStack } from './lib/stack.ts';
import { sleep } from './lib/stats.ts';
import { orderTraffic, type SentRequest, TraceIdsFromLog } from './lib/traffic.ts';

const SETTINGS = {
  full: { rate: 10, seconds: 45, measureEvery: 2, pollMs: 100, giveUpMs: 30_000 },
  quick: { rate: 10, seconds: 15, measureEvery: 2, pollMs: 100, giveUpMs: 30_000 },
};

function variants(): { name: string; label: string; env: Record<string, string> }[] {
  const sdk = chartServiceSdkEnv();
  return [
    {
      name: 'chart',
      label: `the chart's defaults (OTEL_BSP_SCHEDULE_DELAY=${sdk.OTEL_BSP_SCHEDULE_DELAY})`,
      env: sdk,
    },
  ];
}

interface Observation {
  requestId: string;
  traceId?: string;
  /** ms from the response to the first successful trace-by-id, and to the final span count. */
  firstVisibleMs?: number;
  completeMs?: number;
  finalSpans: number;
  polls: [number, number][];
}

function stats(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: values.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

async function watch(
  store: TraceStore,
  logs: TraceIdsFromLog,
  request: SentRequest,
  settings: (typeof SETTINGS)['full'],
): Promise<Observation> {
  const observation: Observation = { requestId: request.requestId, finalSpans: 0, polls: [] };
  const traceId = await logs.waitFor(request.requestId);
  observation.traceId = traceId;
  if (!traceId) return observation;
  for (;;) {
    const elapsed = Date.now() - request.endedAt;
    if (elapsed > settings.giveUpMs) return observation;
    const trace = await traceById(store, traceId).catch(() => undefined);
    if (trace) {
      observation.firstVisibleMs ??= Date.now() - request.endedAt;
      observation.polls.push([Date.now() - request.endedAt, trace.spans]);
    }
    // Keep polling a little after first sight, to see the rest of the spans arrive.
    if (observation.firstVisibleMs !== undefined && elapsed > observation.firstVisibleMs + 6000) {
      return observation;
    }
    await sleep(settings.pollMs);
  }
}

async function runVariant(
  variant: ReturnType<typeof variants>[number],
  collector: BenchCollector,
  store: TraceStore,
  infra: { databaseUrl: string; amqpUrl: string; logDir: string },
  settings: (typeof SETTINGS)['full'],
  log: (message: string) => void,
) {
  const stack = await startAppStack({
    databaseUrl: infra.databaseUrl,
    amqpUrl: infra.amqpUrl,
    otlpEndpoint: collector.collector.otlpHttpUrl,
    logDir: infra.logDir,
    env: variant.env,
    tag: variant.name,
  });
  try {
    const token = await login(stack.gateway.url);
    const before = await collector.counters();
    const loadBefore = loadAverage()[0];
    const logs = new TraceIdsFromLog(join(infra.logDir, `api-gateway.${variant.name}.log`));
    const watches: Promise<Observation>[] = [];
    log(
      `${variant.name}: ${settings.rate} orders/s for ${settings.seconds} s, watching 1 trace in ${settings.measureEvery} in Jaeger…`,
    );
    const sent = await orderTraffic({
      gatewayUrl: stack.gateway.url,
      token,
      rate: settings.rate,
      seconds: settings.seconds,
      prefix: `ttv-${variant.name}`,
      onResponse: (request) => {
        if (request.index % settings.measureEvery === 0 && request.status === 201) {
          watches.push(watch(store, logs, request, settings));
        }
      },
    });
    const observations = await Promise.all(watches);
    // The final span count of each trace, well after everything arrived.
    await sleep(3000);
    for (const observation of observations) {
      if (!observation.traceId) continue;
      const final = await traceById(store, observation.traceId);
      observation.finalSpans = final?.spans ?? 0;
      const complete = observation.polls.find(([, spans]) => spans >= observation.finalSpans);
      observation.completeMs = complete?.[0];
    }
    const after = await collector.counters();
    const ticks = after.decisionLatencyCount - before.decisionLatencyCount;
    // What could delay a trace besides the waits: refusals, export retries, a slow decision tick.
    const pipeline = {
      refusedSpans: after.refused - before.refused,
      exportFailedSpans: after.exportFailed - before.exportFailed,
      droppedTooEarly: after.droppedTooEarly - before.droppedTooEarly,
      decisionTickMeanMs:
        ticks > 0 ? (after.decisionLatencySumMs - before.decisionLatencySumMs) / ticks : 0,
      loadAverage: [loadBefore, loadAverage()[0]],
    };
    const visible = observations.filter((o) => o.firstVisibleMs !== undefined);
    const first = stats(visible.map((o) => o.firstVisibleMs as number));
    const complete = stats(
      visible.filter((o) => o.completeMs !== undefined).map((o) => o.completeMs as number),
    );
    log(
      `  ${variant.name}: visible p50 ${fixed(first.p50, 0)} ms p95 ${fixed(first.p95, 0)} ms; complete p50 ${fixed(complete.p50, 0)} ms p95 ${fixed(complete.p95, 0)} ms (${visible.length}/${observations.length} seen)`,
    );
    return {
      variant: variant.name,
      label: variant.label,
      sent: sent.length,
      watched: observations.length,
      neverVisible: observations.length - visible.length,
      firstVisible: first,
      complete,
      pipeline,
      observations: observations.map(({ polls: _polls, ...rest }) => rest),
    };
  } finally {
    await stack.stop();
  }
}

export const timeToVisibility: Benchmark = {
  name: 'time-to-visibility',
  description: "p50/p95 from a request's end to its trace by id in Jaeger, full pipeline",
  async run({ quick, log, workDir }) {
    const settings = quick ? SETTINGS.quick : SETTINGS.full;
    const logDir = join(workDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    log('starting PostgreSQL, RabbitMQ, Jaeger, the collector…');
    const [postgres, rabbit] = await Promise.all([startPostgres(), startRabbitMq()]);
    const stoppers: (() => Promise<unknown>)[] = [() => rabbit.destroy(), () => postgres.stop()];
    try {
      const jaeger = await startJaeger({ logFile: join(workDir, 'jaeger.log') });
      stoppers.unshift(() => jaeger.stop());
      const store = jaegerStore(jaeger.url);
      const collector = await startBenchCollector({
        tracesUrl: jaeger.otlpHttpUrl,
        env: { SAMPLING_BASELINE_PERCENT: '100' },
        logFile: join(workDir, 'otelcol.log'),
      });
      stoppers.unshift(() => collector.stop());
      const databaseUrl = await createDatabase(postgres.url(), 'bench_visibility');
      const results = [];
      const chosen = variants();
      for (const variant of chosen) {
        results.push(
          await runVariant(
            variant,
            collector,
            store,
            { databaseUrl, amqpUrl: rabbit.url, logDir },
            settings,
            log,
          ),
        );
      }
      const sdkDelayMs = chosen[0]?.env.OTEL_BSP_SCHEDULE_DELAY;
      const waitAfterRoot = chartCollectorEnv().SAMPLING_WAIT_AFTER_ROOT;
      const tables: Table[] = [
        {
          title: `Response → trace by id in Jaeger, ${settings.rate} orders/s, 1 trace in ${settings.measureEvery} watched (trace by id polled every ${settings.pollMs} ms)`,
          columns: [
            'SDK export',
            'traces',
            'first visible p50 ms',
            'p95 ms',
            'max ms',
            'complete p50 ms',
            'p95 ms',
            'never visible',
            'export failures / refused',
            'decision tick ms',
            'load avg',
          ],
          rows: results.map((r) => [
            r.label,
            r.watched,
            fixed(r.firstVisible.p50, 0),
            fixed(r.firstVisible.p95, 0),
            fixed(r.firstVisible.max, 0),
            fixed(r.complete.p50, 0),
            fixed(r.complete.p95, 0),
            r.neverVisible,
            `${r.pipeline.exportFailedSpans} / ${r.pipeline.refusedSpans}`,
            fixed(r.pipeline.decisionTickMeanMs, 1),
            r.pipeline.loadAverage.map((l) => l.toFixed(1)).join(' → '),
          ]),
          notes: [
            `Where the time goes, from the settings: the SDK holds a span up to OTEL_BSP_SCHEDULE_DELAY (${sdkDelayMs} ms) unless 512 spans fill a batch first; the sampler decides on the first 1 s decision tick at least decision_wait_after_root_received (${waitAfterRoot}) after the root span arrived (0–1 s more); the batch processor before the trace store exporter sends after its timeout (200 ms) or 1024 spans; the batch processor in Jaeger writes to badger after 200 ms or 8192 spans, and trace by id reads what badger has committed. Expected p50 ≈ ${waitAfterRoot} + 0.5 s + 0.1 s + 0.1 s + half the SDK delay.`,
            'Collector: collector/otel-collector.yaml with the chart\'s defaults except SAMPLING_BASELINE_PERCENT=100 so that every trace can be watched. "complete" = every span of the trace (the worker\'s included) is returned; a worker span that arrives after its trace was decided reaches the store through the decision cache.',
          ],
        },
      ];
      const [chart] = results;
      return {
        settings: { ...settings, variants: chosen, collector: chartCollectorEnv() },
        data: { results },
        tables,
        summary: { visibility_p95_s: (chart?.firstVisible.p95 ?? Number.NaN) / 1000 },
        headlines: [
          `with the chart's defaults (SDK export delay ${sdkDelayMs} ms, decision ${waitAfterRoot} after the root) a trace is queryable by id p50 ${fixed(chart?.firstVisible.p50, 0)} ms / p95 ${fixed(chart?.firstVisible.p95, 0)} ms after the response, complete with every span p95 ${fixed(chart?.complete.p95, 0)} ms; ${chart?.neverVisible ?? 0} of ${chart?.watched ?? 0} never visible; target p95 ≤ 3 s ${(chart?.firstVisible.p95 ?? Number.POSITIVE_INFINITY) <= 3000 ? 'met' : 'NOT met'}`,
        ],
      };
    } finally {
      for (const stop of stoppers) await stop().catch(() => undefined);
    }
  },
};
