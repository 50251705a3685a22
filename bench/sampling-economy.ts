/**
 * Sampling economy: the same order traffic (1% payment failures, 2% slow charges) through two
 * collectors side by side, fed byte for byte by a tee: the project's config (errors + slow +
 * 10% baseline) and a keep-everything variant (the same config, SAMPLING_BASELINE_PERCENT=100),
 * each exporting to its own real Tempo. Compares what Tempo receives and stores after a flush,
 * and checks in the sampled Tempo that every error and slow trace is there and complete.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDatabase,
  startPostgres,
  startRabbitMq,
  startTempo,
  type TempoProcess,
} from '@tracing-demo/testkit';
import { type BenchCollector, startBenchCollector } from './lib/collector.ts';
import { type Benchmark, fixed, mib, percent, type Table } from './lib/report.ts';
import { login, newSigningKey, startAppStack } from './lib/stack.ts';
import { sleep } from './lib/stats.ts';
import { startTee } from './lib/tee.ts';
import {
  directoryBytes,
  flush,
  search,
  type TempoCounters,
  tempoCounters,
  traceById,
} from './lib/tempo-client.ts';
import { orderTraffic, type SentRequest, TraceIdsFromLog } from './lib/traffic.ts';

const SETTINGS = {
  full: { rate: 25, seconds: 48 },
  quick: { rate: 20, seconds: 15 },
};
const FAULTS = {
  PAYMENT_FAILURE_RATE: '0.01',
  PAYMENT_SLOW_RATE: '0.02',
  PAYMENT_SLOW_DELAY_MS: '1200',
};
const SLOW_MS = 1000;

interface Pipeline {
  name: string;
  label: string;
  tempo: TempoProcess;
  dataDir: string;
  collector: BenchCollector;
}

async function startPipeline(
  name: string,
  label: string,
  workDir: string,
  env: Record<string, string>,
): Promise<Pipeline> {
  const dataDir = join(workDir, `tempo-${name}`);
  mkdirSync(dataDir, { recursive: true });
  const tempo = await startTempo(
    { TEMPO_DATA_DIR: dataDir },
    { logFile: join(workDir, `tempo-${name}.log`) },
  );
  const collector = await startBenchCollector({
    tempoUrl: tempo.otlpHttpUrl,
    env,
    logFile: join(workDir, `otelcol-${name}.log`),
  });
  return { name, label, tempo, dataDir, collector };
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

interface Stored {
  tempo: TempoCounters;
  blocksBytes: number;
  walBytes: number;
  exportedSpans: number;
  acceptedSpans: number;
  tracesSampled: number;
  tracesNotSampled: number;
}

async function stored(pipeline: Pipeline): Promise<Stored> {
  const counters = await pipeline.collector.counters();
  return {
    tempo: await tempoCounters(pipeline.tempo.url),
    blocksBytes: directoryBytes(join(pipeline.dataDir, 'blocks')),
    walBytes: directoryBytes(join(pipeline.dataDir, 'wal')),
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
  injectedSlow: boolean;
  durationMs: number;
}

export const samplingEconomy: Benchmark = {
  name: 'sampling-economy',
  description: 'Tempo storage with the project sampling vs keep-everything; errors/slow all kept',
  async run({ quick, log, workDir }) {
    const settings = quick ? SETTINGS.quick : SETTINGS.full;
    const logDir = join(workDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    log('starting PostgreSQL, RabbitMQ, two Tempos, two collectors…');
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
        () => sampled.tempo.stop(),
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
        () => keepAll.tempo.stop(),
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
        signingKeyPem: newSigningKey(),
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
      const failed = sent.filter((r) => r.status >= 500).length;
      log(
        `${sent.length} orders (${failed} failed); classifying every trace from the complete copy…`,
      );

      // Every request's trace, classified the way the sampler's policies see it, from the
      // keep-everything copy: an error span anywhere, or latest end − earliest start over 1 s.
      const checks: Check[] = [];
      const errorIds = new Set(await search(sampled.tempo.url, '{ status = error }'));
      const slowIds = new Set(await search(sampled.tempo.url, '{ traceDuration > 1s }'));
      for (const request of sent) {
        const traceId = logs.traceIds.get(request.requestId);
        const full = traceId ? await traceById(keepAll.tempo.url, traceId) : undefined;
        const kind: Check['kind'] = !full
          ? 'unknown'
          : full.errorSpans > 0
            ? 'error'
            : full.durationMs > SLOW_MS
              ? 'slow'
              : 'normal';
        const kept = traceId ? await traceById(sampled.tempo.url, traceId) : undefined;
        checks.push({
          kind,
          requestId: request.requestId,
          traceId,
          foundById: kept !== undefined,
          spans: kept?.spans ?? 0,
          spansKeptAll: full?.spans ?? 0,
          complete: kept !== undefined && full !== undefined && kept.spans === full.spans,
          foundBySearch:
            traceId !== undefined && (kind === 'error' ? errorIds : slowIds).has(traceId),
          injectedSlow: full?.injectedSlow ?? false,
          durationMs: full?.durationMs ?? 0,
        });
      }

      // Tempo: traces go from the live set to the WAL after the idle period; flush cuts blocks.
      log('flushing both Tempos…');
      await sleep(11_000);
      await Promise.all([flush(sampled.tempo.url), flush(keepAll.tempo.url)]);
      for (let i = 0; i < 30; i++) {
        const [a, b] = await Promise.all([
          tempoCounters(sampled.tempo.url),
          tempoCounters(keepAll.tempo.url),
        ]);
        if (
          a.blocksFlushed > before.sampled.tempo.blocksFlushed &&
          b.blocksFlushed > before.keepAll.tempo.blocksFlushed
        )
          break;
        await sleep(1000);
      }
      await sleep(1000);
      const after = { sampled: await stored(sampled), keepAll: await stored(keepAll) };
      const delta = (name: 'sampled' | 'keepAll') => {
        const a = after[name];
        const b = before[name];
        return {
          bytesReceived: a.tempo.bytesReceived - b.tempo.bytesReceived,
          spansReceived: a.tempo.spansReceived - b.tempo.spansReceived,
          tracesCreated: a.tempo.tracesCreated - b.tempo.tracesCreated,
          blocksBytes: a.blocksBytes,
          walBytes: a.walBytes,
          exportedSpans: a.exportedSpans - b.exportedSpans,
          acceptedSpans: a.acceptedSpans - b.acceptedSpans,
          tracesSampled: a.tracesSampled - b.tracesSampled,
          tracesNotSampled: a.tracesNotSampled - b.tracesNotSampled,
        };
      };
      const a = delta('sampled');
      const b = delta('keepAll');
      const of = (kind: Check['kind']) => checks.filter((c) => c.kind === kind);
      const normal = of('normal');
      const normalKept = normal.filter((c) => c.foundById).length;
      const baselineShare = normalKept / Math.max(1, normal.length);
      // A 95% interval for a 10% binomial share over this many traces.
      const halfWidth = 1.96 * Math.sqrt((0.1 * 0.9) / Math.max(1, normal.length));
      const count = (kind: 'error' | 'slow', pick: (c: Check) => boolean) =>
        of(kind).filter(pick).length;
      const mustKeep = [...of('error'), ...of('slow')];
      const allKept = mustKeep.every((c) => c.foundById && c.complete && c.foundBySearch);
      const injected = checks.filter((c) => c.injectedSlow).length;
      const tables: Table[] = [
        {
          title: `Same traffic (${sent.length} orders at ${settings.rate}/s: ${of('error').length} error traces, ${of('slow').length} slow traces) through both pipelines`,
          columns: [
            'pipeline',
            'traces decided',
            'traces kept',
            'spans to Tempo',
            'bytes received by Tempo',
            'blocks on disk after flush',
            'bytes per kept trace',
          ],
          rows: [
            [
              sampled.label,
              a.tracesSampled + a.tracesNotSampled,
              a.tracesSampled,
              a.spansReceived,
              `${mib(a.bytesReceived)} MiB`,
              `${mib(a.blocksBytes)} MiB`,
              fixed(a.bytesReceived / Math.max(1, a.tracesSampled), 0),
            ],
            [
              keepAll.label,
              b.tracesSampled + b.tracesNotSampled,
              b.tracesSampled,
              b.spansReceived,
              `${mib(b.bytesReceived)} MiB`,
              `${mib(b.blocksBytes)} MiB`,
              fixed(b.bytesReceived / Math.max(1, b.tracesSampled), 0),
            ],
            [
              'sampled / keep everything',
              percent(
                (a.tracesSampled + a.tracesNotSampled) /
                  Math.max(1, b.tracesSampled + b.tracesNotSampled),
              ),
              percent(a.tracesSampled / Math.max(1, b.tracesSampled)),
              percent(a.spansReceived / Math.max(1, b.spansReceived)),
              percent(a.bytesReceived / Math.max(1, b.bytesReceived)),
              percent(a.blocksBytes / Math.max(1, b.blocksBytes)),
              undefined,
            ],
          ],
          notes: [
            '"bytes received" is Tempo\'s tempo_distributor_bytes_received_total (the OTLP payload); "blocks on disk" is the size of Tempo\'s blocks directory after POST /flush (vParquet blocks with their bloom filters and index: a fixed overhead per block that weighs more at small volumes).',
          ],
        },
        {
          title: 'Every error and slow trace in the sampled Tempo',
          notes: [
            `${injected} charges were slowed by fault injection (1.2 s). A trace is also slow when the worker consumed its event late (its CONSUMER span ends the trace), which happens when the machine is busy.`,
          ],
          columns: [
            'kind (from the complete copy)',
            'traces',
            'trace by id',
            'complete (same spans as keep-everything)',
            'found by TraceQL',
          ],
          rows: [
            [
              'error (an error span)',
              count('error', () => true),
              count('error', (c) => c.foundById),
              count('error', (c) => c.complete),
              `${count('error', (c) => c.foundBySearch)} ({ status = error })`,
            ],
            [
              'slow (trace > 1 s)',
              count('slow', () => true),
              count('slow', (c) => c.foundById),
              count('slow', (c) => c.complete),
              `${count('slow', (c) => c.foundBySearch)} ({ traceDuration > 1s })`,
            ],
            [
              'the rest',
              normal.length,
              `${normalKept} kept`,
              undefined,
              `${percent(baselineShare)} kept (10% configured, ±${percent(halfWidth)} at 95%)`,
            ],
          ],
        },
      ];
      return {
        settings: { ...settings, faults: FAULTS, slowThresholdMs: SLOW_MS },
        data: {
          sampled: a,
          keepAll: b,
          mustKeep,
          unknown: of('unknown').length,
          baselineShare,
          sent: sent.length,
          teeFailures: tee.failures,
        },
        tables,
        summary: [
          `the project's sampling stores ${percent(a.bytesReceived / Math.max(1, b.bytesReceived))} of the bytes of keeping everything (${percent(a.blocksBytes / Math.max(1, b.blocksBytes))} of the blocks on disk) for the same traffic`,
          `${allKept ? 'all' : 'NOT all'} ${mustKeep.length} error/slow traces present by id, complete and found by TraceQL; ${percent(baselineShare)} of the other ${normal.length} kept (10% configured)`,
        ],
      };
    } finally {
      for (const stop of stoppers) await stop().catch(() => undefined);
    }
  },
};
