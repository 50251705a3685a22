/**
 * Sampling economy: the same order traffic (1% payment failures, 2% slow charges) through two
 * collectors side by side, fed byte for byte by a tee: the project's config (errors + slow +
 * 10% baseline) and a keep-everything variant (the same config, SAMPLING_BASELINE_PERCENT=100),
 * each exporting to its own real Jaeger with badger. Compares what each Jaeger writes (its own
 * counters) and the disk its badger directory really uses, and checks in the sampled Jaeger that
 * every error and slow trace is there, complete and found by search.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceStore } from '@tracing-demo/cli';
import {
  createDatabase,
  type JaegerProcess,
  startJaeger,
  startPostgres,
  startRabbitMq,
} from '@tracing-demo/platform';
import { type BenchCollector, chartCollectorEnv, startBenchCollector } from './lib/collector.ts';
import {
  allocatedBytes,
  type JaegerCounters,
  jaegerCounters,
  jaegerStore,
  searchIds,
  traceById,
} from './lib/jaeger.ts';
import { type Benchmark, fixed, mib, percent, type Table } from './lib/report.ts';
import { login, startAppStack } from './lib/stack.ts';
import { sleep } from './lib/stats.ts';
import { startTee } from './lib/tee.ts';
import { orderTraffic, type SentRequest, TraceIdsFromLog } from './lib/traffic.ts';

const SETTINGS = {
  // ≥ 3600 ordinary traces: one run's share then has σ ≤ 0.5 points at 10%.
  full: { rate: 25, seconds: 150 },
  quick: { rate: 20, seconds: 15 },
};
const FAULTS = {
  PAYMENT_FAILURE_RATE: '0.01',
  PAYMENT_SLOW_RATE: '0.02',
  PAYMENT_SLOW_DELAY_MS: '1200',
};
const SLOW_MS = 1000;
/** badger's counters reach Jaeger's /metrics on this tick (metrics_update_interval's default). */
const BADGER_METRICS_TICK_MS = 10_000;

/** The baseline policy's percentage, as the chart gives the collector (the sampled pipeline's). */
function configuredPercent(): number {
  const config = readFileSync(
    join(import.meta.dirname, '..', 'collector', 'otel-collector.yaml'),
    'utf8',
  );
  // A salt would change every decision; the prediction below uses the default one.
  if (/hash_salt/.test(config)) throw new Error('the config sets hash_salt: update baselineKeeps');
  const percent = Number(chartCollectorEnv().SAMPLING_BASELINE_PERCENT);
  if (!Number.isFinite(percent)) throw new Error("the chart's SAMPLING_BASELINE_PERCENT");
  return percent;
}

const MASK = (1n << 64n) - 1n;
const FNV_PRIME = 0x100000001b3n;
const SALT = Buffer.from('default-hash-seed');

/**
 * Whether tail_sampling's probabilistic policy keeps this trace: FNV-1a 64 over the default salt
 * and the id's 16 bytes, at most MaxUint64 × ratio (v0.159 internal/sampling/probabilistic.go,
 * hashTraceID and calculateThreshold).
 */
export function baselineKeeps(traceIdHex: string, percent: number): boolean {
  let hash = 0xcbf29ce484222325n;
  for (const bytes of [SALT, Buffer.from(traceIdHex, 'hex')]) {
    for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK;
  }
  return hash <= (MASK * BigInt(Math.round(percent * 1e6))) / 100_000_000n;
}

interface Pipeline {
  name: string;
  label: string;
  jaeger: JaegerProcess;
  store: TraceStore;
  collector: BenchCollector;
}

async function startPipeline(
  name: string,
  label: string,
  workDir: string,
  env: Record<string, string>,
): Promise<Pipeline> {
  // A directory of our own: startJaeger leaves it in place on stop, so it can be measured then.
  const jaeger = await startJaeger({
    dataDir: join(workDir, `jaeger-${name}`),
    logFile: join(workDir, `jaeger-${name}.log`),
  });
  const collector = await startBenchCollector({
    tracesUrl: jaeger.otlpHttpUrl,
    env,
    logFile: join(workDir, `otelcol-${name}.log`),
  });
  return { name, label, jaeger, store: jaegerStore(jaeger.url), collector };
}

/** Waits until the collector has decided and exported everything it holds. */
async function drained(pipeline: Pipeline): Promise<void> {
  let last = -1;
  for (let i = 0; i < 60; i++) {
    const counters = await pipeline.collector.counters();
    if (counters.tracesInMemory === 0 && counters.exported === last) return;
    last = counters.exported;
    await sleep(1000);
  }
}

/** Waits until Jaeger has written (or failed to write) every span the collector exported. */
async function written(pipeline: Pipeline): Promise<void> {
  const { exported } = await pipeline.collector.counters();
  for (let i = 0; i < 60; i++) {
    const jaeger = await jaegerCounters(pipeline.jaeger.metricsUrl);
    if (jaeger.spansWritten + jaeger.writeFailed >= exported) return;
    await sleep(1000);
  }
  throw new Error(`${pipeline.name}: Jaeger has not written the ${exported} spans exported to it`);
}

/**
 * Jaeger's counters once badger's have caught up: they move on a tick, so they are final when
 * they have not moved for longer than one tick after the last write.
 */
async function settledCounters(pipeline: Pipeline): Promise<JaegerCounters> {
  let last = await jaegerCounters(pipeline.jaeger.metricsUrl);
  let since = Date.now();
  for (let i = 0; i < 60; i++) {
    await sleep(2000);
    const now = await jaegerCounters(pipeline.jaeger.metricsUrl);
    if (now.badgerBytesWritten !== last.badgerBytesWritten) {
      since = Date.now();
    } else if (Date.now() - since > BADGER_METRICS_TICK_MS + 2000) {
      return now;
    }
    last = now;
  }
  return last;
}

interface Disk {
  keys: number;
  values: number;
  total: number;
}

function disk(pipeline: Pipeline): Disk {
  const keys = allocatedBytes(join(pipeline.jaeger.dataDir, 'keys'));
  const values = allocatedBytes(join(pipeline.jaeger.dataDir, 'values'));
  return { keys, values, total: allocatedBytes(pipeline.jaeger.dataDir) };
}

interface Stored {
  jaeger: JaegerCounters;
  exportedSpans: number;
  acceptedSpans: number;
  tracesSampled: number;
  tracesNotSampled: number;
}

async function stored(pipeline: Pipeline, jaeger?: JaegerCounters): Promise<Stored> {
  const counters = await pipeline.collector.counters();
  return {
    jaeger: jaeger ?? (await jaegerCounters(pipeline.jaeger.metricsUrl)),
    exportedSpans: counters.exported,
    acceptedSpans: counters.accepted,
    tracesSampled: counters.tracesSampled,
    tracesNotSampled: counters.tracesNotSampled,
  };
}

interface Check {
  kind: 'error' | 'slow' | 'normal' | 'unknown';
  requestId: string;
  traceId?: string;
  foundById: boolean;
  spans: number;
  spansKeptAll: number;
  complete: boolean;
  foundBySearch: boolean;
  /** Whether a search can find it: an error span, or (slow) a single span of at least 1 s. */
  searchable: boolean;
  injectedSlow: boolean;
  durationMs: number;
  longestSpanMs: number;
}

export const samplingEconomy: Benchmark = {
  name: 'sampling-economy',
  description: 'Jaeger storage with the project sampling vs keep-everything; errors/slow all kept',
  async run({ quick, log, workDir }) {
    const settings = quick ? SETTINGS.quick : SETTINGS.full;
    const logDir = join(workDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    log('starting PostgreSQL, RabbitMQ, two Jaegers, two collectors…');
    const began = new Date();
    const [postgres, rabbit] = await Promise.all([startPostgres(), startRabbitMq()]);
    const stoppers: (() => Promise<unknown>)[] = [() => rabbit.destroy(), () => postgres.stop()];
    try {
      const sampled = await startPipeline(
        'sampled',
        'project sampling (errors, slow > 1 s, 10% baseline)',
        workDir,
        {},
      );
      stoppers.unshift(
        () => sampled.collector.stop(),
        () => sampled.jaeger.stop(),
      );
      const keepAll = await startPipeline(
        'keep-all',
        'keep everything (SAMPLING_BASELINE_PERCENT=100)',
        workDir,
        {
          SAMPLING_BASELINE_PERCENT: '100',
        },
      );
      stoppers.unshift(
        () => keepAll.collector.stop(),
        () => keepAll.jaeger.stop(),
      );
      const tee = await startTee([
        sampled.collector.collector.otlpHttpUrl,
        keepAll.collector.collector.otlpHttpUrl,
      ]);
      stoppers.unshift(() => tee.close());
      const databaseUrl = await createDatabase(postgres.url(), 'bench_sampling');
      const stack = await startAppStack({
        databaseUrl,
        amqpUrl: rabbit.url,
        otlpEndpoint: tee.url,
        logDir,
        serviceEnv: { 'payment-service': FAULTS },
        tag: 'sampling',
      });
      let stackStopped = false;
      stoppers.unshift(async () => {
        if (!stackStopped) await stack.stop();
      });
      const token = await login(stack.gateway.url);
      const before = { sampled: await stored(sampled), keepAll: await stored(keepAll) };
      const emptyDisk = { sampled: disk(sampled), keepAll: disk(keepAll) };
      log(`sending ${settings.rate} orders/s for ${settings.seconds} s…`);
      const sent: SentRequest[] = await orderTraffic({
        gatewayUrl: stack.gateway.url,
        token,
        rate: settings.rate,
        seconds: settings.seconds,
        prefix: 'sampling',
      });
      const logs = new TraceIdsFromLog(join(logDir, 'api-gateway.sampling.log'));
      await sleep(500);
      logs.poll();
      // The services flush their last spans on SIGTERM; then both collectors decide and export.
      await stack.stop();
      stackStopped = true;
      await Promise.all([drained(sampled), drained(keepAll)]);
      await Promise.all([written(sampled), written(keepAll)]);
      const failed = sent.filter((r) => r.status >= 500).length;
      log(
        `${sent.length} orders (${failed} failed); classifying every trace from the complete copy…`,
      );

      // Every request's trace, classified the way the sampler's policies see it, from the
      // keep-everything copy: an error span anywhere, or latest end − earliest start over 1 s.
      // Jaeger's search compares single spans' durations, not the trace's.
      const window = {
        start: new Date(began.getTime() - 60_000),
        end: new Date(Date.now() + 60_000),
      };
      const errorIds = await searchIds(sampled.store, { ...window, error: true, limit: 1000 });
      const slowIds = await searchIds(sampled.store, {
        ...window,
        minDurationMs: SLOW_MS,
        limit: 1000,
      });
      const check = async (request: SentRequest): Promise<Check> => {
        const traceId = logs.traceIds.get(request.requestId);
        const full = traceId ? await traceById(keepAll.store, traceId) : undefined;
        const kind: Check['kind'] = !full
          ? 'unknown'
          : full.errorSpans > 0
            ? 'error'
            : full.durationMs > SLOW_MS
              ? 'slow'
              : 'normal';
        const kept = traceId ? await traceById(sampled.store, traceId) : undefined;
        return {
          kind,
          requestId: request.requestId,
          traceId,
          foundById: kept !== undefined,
          spans: kept?.spans ?? 0,
          spansKeptAll: full?.spans ?? 0,
          complete: kept !== undefined && full !== undefined && kept.spans === full.spans,
          foundBySearch:
            traceId !== undefined && (kind === 'error' ? errorIds : slowIds).has(traceId),
          searchable: kind === 'error' || (full?.longestSpanMs ?? 0) >= SLOW_MS,
          injectedSlow: full?.injectedSlow ?? false,
          durationMs: full?.durationMs ?? 0,
          longestSpanMs: full?.longestSpanMs ?? 0,
        };
      };
      // A few lookups at a time: thousands of traces, two Jaegers.
      const checks: Check[] = [];
      const classifying = performance.now();
      for (let i = 0; i < sent.length; i += 8) {
        checks.push(...(await Promise.all(sent.slice(i, i + 8).map(check))));
      }
      log(`classified in ${fixed((performance.now() - classifying) / 1000, 1)} s`);

      log("waiting for badger's counters, then stopping both Jaegers…");
      const [settledSampled, settledKeepAll] = await Promise.all([
        settledCounters(sampled),
        settledCounters(keepAll),
      ]);
      const after = {
        sampled: await stored(sampled, settledSampled),
        keepAll: await stored(keepAll, settledKeepAll),
      };
      const runningDisk = { sampled: disk(sampled), keepAll: disk(keepAll) };
      // A clean stop closes badger, which writes its memtables out as tables (SST files).
      await Promise.all([sampled.jaeger.stop(), keepAll.jaeger.stop()]);
      const cleanStop = [sampled, keepAll].every((p) =>
        p.jaeger.output().includes('Shutdown complete.'),
      );
      const stoppedDisk = { sampled: disk(sampled), keepAll: disk(keepAll) };
      const delta = (name: 'sampled' | 'keepAll') => {
        const a = after[name];
        const b = before[name];
        return {
          spansAccepted: a.jaeger.spansAccepted - b.jaeger.spansAccepted,
          spansWritten: a.jaeger.spansWritten - b.jaeger.spansWritten,
          writeFailed: a.jaeger.writeFailed - b.jaeger.writeFailed,
          otlpBytes: a.jaeger.otlpBytes - b.jaeger.otlpBytes,
          badgerBytesWritten: a.jaeger.badgerBytesWritten - b.jaeger.badgerBytesWritten,
          badgerKeysWritten: a.jaeger.badgerKeysWritten - b.jaeger.badgerKeysWritten,
          diskEmpty: emptyDisk[name],
          diskRunning: runningDisk[name],
          diskStopped: stoppedDisk[name],
          exportedSpans: a.exportedSpans - b.exportedSpans,
          acceptedSpans: a.acceptedSpans - b.acceptedSpans,
          tracesSampled: a.tracesSampled - b.tracesSampled,
          tracesNotSampled: a.tracesNotSampled - b.tracesNotSampled,
        };
      };
      const a = delta('sampled');
      const b = delta('keepAll');
      const ratio = (x: number, y: number) => percent(x / Math.max(1, y));
      const of = (kind: Check['kind']) => checks.filter((c) => c.kind === kind);
      // Ordinary traces: no error, not slow; the bench sends no synthetic ones. Only the
      // baseline policy can keep them, and it decides by the trace id alone.
      const normal = of('normal');
      const normalKept = normal.filter((c) => c.foundById).length;
      const baselineShare = normalKept / Math.max(1, normal.length);
      const percentConfigured = configuredPercent();
      const p = percentConfigured / 100;
      const predicted = normal.filter((c) => baselineKeeps(c.traceId as string, percentConfigured));
      const mismatches = normal.filter(
        (c) => c.foundById !== baselineKeeps(c.traceId as string, percentConfigured),
      );
      const sigma = Math.sqrt((p * (1 - p)) / Math.max(1, normal.length));
      const z = (baselineShare - p) / sigma;
      const count = (kind: 'error' | 'slow', pick: (c: Check) => boolean) =>
        of(kind).filter(pick).length;
      const mustKeep = [...of('error'), ...of('slow')];
      const allKept = mustKeep.every(
        (c) => c.foundById && c.complete && (c.foundBySearch || !c.searchable),
      );
      const injected = checks.filter((c) => c.injectedSlow).length;
      const row = (label: string, d: typeof a) => [
        label,
        d.tracesSampled + d.tracesNotSampled,
        d.tracesSampled,
        d.spansWritten,
        `${mib(d.otlpBytes)} MiB`,
        `${mib(d.badgerBytesWritten)} MiB`,
        `${mib(d.diskRunning.total)} MiB`,
        `${mib(d.diskStopped.total)} MiB`,
        fixed(d.badgerBytesWritten / Math.max(1, d.tracesSampled), 0),
      ];
      const tables: Table[] = [
        {
          title: `Same traffic (${sent.length} orders at ${settings.rate}/s: ${of('error').length} error traces, ${of('slow').length} slow traces) through both pipelines`,
          columns: [
            'pipeline',
            'traces decided',
            'traces kept',
            'spans written by Jaeger',
            'OTLP bytes written',
            'badger bytes written',
            'badger disk, running',
            'badger disk after stop',
            'badger bytes per kept trace',
          ],
          rows: [
            row(sampled.label, a),
            row(keepAll.label, b),
            [
              'sampled / keep everything',
              ratio(a.tracesSampled + a.tracesNotSampled, b.tracesSampled + b.tracesNotSampled),
              ratio(a.tracesSampled, b.tracesSampled),
              ratio(a.spansWritten, b.spansWritten),
              ratio(a.otlpBytes, b.otlpBytes),
              ratio(a.badgerBytesWritten, b.badgerBytesWritten),
              ratio(a.diskRunning.total, b.diskRunning.total),
              ratio(a.diskStopped.total, b.diskStopped.total),
              undefined,
            ],
          ],
          notes: [
            `From Jaeger's own /metrics: "spans written" is otelcol_exporter_sent_spans_total of its jaeger_storage_exporter (${a.writeFailed + b.writeFailed} failed), "OTLP bytes" the protobuf size of those spans (its batch processor's batch_send_size_bytes), "badger bytes written" jaeger_storage_badger_write_bytes_user (each span and its index entries, keys and values: ${a.badgerKeysWritten} and ${b.badgerKeysWritten} keys). "badger disk" is the blocks allocated under the badger directory (keys/ and values/; its memtable and value log files are sparse, so their apparent sizes mean nothing): while running, after every write (the memtable's write-ahead file), and after a ${cleanStop ? 'clean' : 'NOT clean'} stop, when badger has written its memtables out as tables. An empty database takes ${Math.round(a.diskEmpty.total / 1024)} KiB; after the stop ${percent(b.diskStopped.keys / Math.max(1, b.diskStopped.total))} of the keep-everything directory is keys/ (the LSM tree, where badger keeps values this small), the rest values/.`,
          ],
        },
        {
          title: 'Every error and slow trace in the sampled Jaeger',
          notes: [
            `${injected} charges were slowed by fault injection (1.2 s). A trace is also slow when the worker consumed its event late (its CONSUMER span ends the trace), which happens when the machine is busy. Jaeger searches one service at a time (every service is searched) and its duration filter compares single spans, not the whole trace: a slow trace with no span of 1 s or more cannot be found by search.`,
          ],
          columns: [
            'kind (from the complete copy)',
            'traces',
            'trace by id',
            'complete (same spans as keep-everything)',
            'found by search',
          ],
          rows: [
            [
              'error (an error span)',
              count('error', () => true),
              count('error', (c) => c.foundById),
              count('error', (c) => c.complete),
              `${count('error', (c) => c.foundBySearch)} (error = true)`,
            ],
            [
              'slow (trace > 1 s)',
              count('slow', () => true),
              count('slow', (c) => c.foundById),
              count('slow', (c) => c.complete),
              `${count('slow', (c) => c.foundBySearch)} (minDuration 1 s), of ${count('slow', (c) => c.searchable)} with a span ≥ 1 s`,
            ],
            [
              'the rest',
              normal.length,
              `${normalKept} kept, ${predicted.length} predicted, ${mismatches.length} differ`,
              undefined,
              `${percent(baselineShare)} kept (${percentConfigured}% configured, ${z >= 0 ? '+' : ''}${fixed(z, 2)} σ)`,
            ],
          ],
        },
      ];
      return {
        settings: { ...settings, faults: FAULTS, slowThresholdMs: SLOW_MS },
        data: {
          sampled: a,
          keepAll: b,
          cleanStop,
          mustKeep,
          unknown: of('unknown').length,
          baselineShare,
          // Every ordinary trace id, and which the sampled Jaeger has: the share can be
          // re-checked against the policy's hash after the fact.
          ordinary: {
            percentConfigured,
            traceIds: normal.map((c) => c.traceId),
            kept: normal.filter((c) => c.foundById).map((c) => c.traceId),
            mismatches: mismatches.map((c) => ({ traceId: c.traceId, kept: c.foundById })),
          },
          sent: sent.length,
          teeFailures: tee.failures,
        },
        tables,
        summary: {
          sampled_ratio_observed: baselineShare,
          sampled_ratio_configured: p,
          sampled_ratio_predicted: predicted.length / Math.max(1, normal.length),
          sampled_ordinary_traces: normal.length,
          sampled_prediction_mismatches: mismatches.length,
        },
        headlines: [
          `the project's sampling has Jaeger write ${ratio(a.badgerBytesWritten, b.badgerBytesWritten)} of the badger bytes of keeping everything (${ratio(a.spansWritten, b.spansWritten)} of the spans; ${ratio(a.diskStopped.total, b.diskStopped.total)} of the disk after a stop, ${ratio(a.diskRunning.total, b.diskRunning.total)} while running) for the same traffic`,
          `${allKept ? 'all' : 'NOT all'} ${mustKeep.length} error/slow traces present by id and complete, and found by search where Jaeger's search can find them; ${percent(baselineShare)} of the other ${normal.length} kept (${percentConfigured}% configured, ${z >= 0 ? '+' : ''}${fixed(z, 2)} σ)`,
          `ordinary traces kept ${mismatches.length === 0 ? 'exactly' : 'NOT exactly'} as the baseline policy's hash predicts (FNV-1a over the default salt and the trace id): ${normal.length - mismatches.length} of ${normal.length} agree`,
        ],
      };
    } finally {
      for (const stop of stoppers) await stop().catch(() => undefined);
    }
  },
};
