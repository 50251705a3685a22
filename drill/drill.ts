/**
 * The fault drill: the platform as `make local` runs it (local/stack.ts, without Grafana) on
 * free ports, loadgen at a steady rate, then each fault of faults.ts
 * against the real process, one at a time with a recovery gap; then the account (account.ts)
 * from loadgen's records, the database, the worker's log, the trace store and /proc.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jaegerStore, TraceNotFoundError, type TraceStore } from '@tracing-demo/cli';
import { buildTraceTree, scrape, sumOf } from '@tracing-demo/otlp';
import { type Platform, waitFor } from '@tracing-demo/platform';
import pg from 'pg';
import { SPAN_EXPORT_DELAY_MS, startLocalStack } from '../local/stack.ts';
import {
  account,
  type OrderRow,
  type RequestRecord,
  renderAccount,
  type Sample,
  type TraceCheck,
  type Window,
  type WindowAccount,
} from './account.ts';
import { FAULTS } from './faults.ts';
import type { Profile } from './profiles.ts';

/** collector/otel-collector.yaml's decision_wait: the longest a trace waits undecided. */
const DECISION_WINDOW_MS = 10_000;
/** Ample for one export to the local collector, which the next span waits for too. */
const EXPORT_IN_FLIGHT_MS = 100;

export interface DrillOptions {
  profile: Profile;
  /** The run's directory: report.json, requests.jsonl, state/ (logs in state/logs/). */
  dir: string;
  progress: (message: string) => void;
  /** Only these faults (every one if unset), e.g. to look closer at one. */
  only?: readonly string[];
}

export interface DrillReport {
  kind: 'tracing-demo.drill';
  profile: Profile;
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; memoryGiB: number; kernel: string };
  /** Peak queue of the collector's trace store exporter (file_storage) during each window. */
  exporterQueuePeak: Record<string, number>;
  windows: WindowAccount[];
  /** Processes that died or were replaced without the drill doing it. */
  crashes: string[];
  ok: boolean;
}

export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const { profile, dir, progress } = options;
  const stateDir = join(dir, 'state');
  const recordsFile = join(dir, 'requests.jsonl');
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(recordsFile, { force: true });
  mkdirSync(stateDir, { recursive: true });
  const startedAt = new Date();

  const { platform } = await startLocalStack({
    stateDir,
    ports: 'free',
    grafana: false,
    serviceEnv: {
      // The drill's traffic alone: no background failures, no rate limit in the way.
      PAYMENT_FAILURE_RATE: '0',
      PAYMENT_SLOW_RATE: '0',
      RATE_LIMIT_PER_MINUTE: '100000',
      LOADGEN_RATE: String(profile.rate),
      LOADGEN_RECORDS_FILE: recordsFile,
      LOADGEN_PROGRESS_SECONDS: '30',
    },
    progress,
  });
  const samplers = startSamplers(platform);
  // Interrupted (Ctrl-C, a test's timeout): stop what was started rather than orphan it.
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping the platform…`);
    samplers.stop();
    void platform.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const pids = Object.fromEntries(Object.entries(platform.services).map(([n, s]) => [n, s.pid]));
  try {
    const windows: Window[] = [];
    const warmupFrom = Date.now();
    progress(`warming up: ${profile.rate}/s for ${profile.warmupSeconds} s`);
    await sleep(profile.warmupSeconds * 1000);
    windows.push({ name: 'warm-up', how: 'no fault', from: warmupFrom, to: Date.now() });
    const steadyFrom = Date.now();
    progress(`steady state: ${profile.rate}/s for ${profile.steadySeconds} s`);
    await sleep(profile.steadySeconds * 1000);
    windows.push({ name: 'steady', how: 'no fault', from: steadyFrom, to: Date.now() });
    for (const fault of FAULTS.filter((f) => !options.only || options.only.includes(f.name))) {
      const seconds = profile.faultSeconds[fault.name];
      progress(`fault ${fault.name}: ${fault.how} (${seconds} s, then ${profile.gapSeconds} s)`);
      const from = Date.now();
      const marks = await fault.run(platform, seconds);
      await sleep(profile.gapSeconds * 1000);
      windows.push({
        name: fault.name,
        how: fault.how,
        from,
        to: Date.now(),
        fault,
        marks,
        seconds,
      });
    }

    progress('stopping loadgen; waiting for events and traces to settle…');
    // The services recover without a restart: the only one replaced is the one the drill killed.
    const crashes = Object.entries(platform.services).flatMap(([name, service]) => {
      if (!service.process.running()) return [`${name} is not running`];
      if (name !== 'payment-service' && service.pid !== pids[name])
        return [`${name} was restarted`];
      return [];
    });
    const loadgen = platform.services.loadgen;
    if (!loadgen) throw new Error('the drill needs loadgen in services/services.yaml');
    await loadgen.process.stop();
    const records = readRecords(recordsFile);
    const orders = await settledOrders(platform.databaseUrl as string);
    const store = jaegerStore(platform.urls.jaeger as string);
    await tracesSettled(platform, store, records);
    progress(`checking ${records.length} traces in Jaeger…`);
    const traces = await checkTraces(store, records);
    samplers.stop();

    const windowsAccount = account({
      records,
      windows,
      orders,
      duplicates: duplicatesFromLog(platform.services['fulfillment-worker']?.output() ?? ''),
      traces,
      rss: samplers.rss,
      readiness: samplers.readiness,
      load: samplers.load,
      decisionWindowMs: DECISION_WINDOW_MS,
      exportDelayMs: SPAN_EXPORT_DELAY_MS + EXPORT_IN_FLIGHT_MS,
      strict: profile.strict,
    });
    const queuePeak: Record<string, number> = {};
    for (const window of windows) {
      const values = samplers.queue.filter((s) => s.at >= window.from && s.at < window.to);
      queuePeak[window.name] = Math.max(0, ...values.map((s) => s.value));
    }
    const report: DrillReport = {
      kind: 'tracing-demo.drill',
      profile,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: machine(),
      exporterQueuePeak: queuePeak,
      windows: windowsAccount,
      crashes,
      ok: crashes.length === 0 && windowsAccount.every((w) => w.violations.length === 0),
    };
    writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    samplers.stop();
    progress('stopping the platform…');
    await platform.stop();
  }
}

export { renderAccount };

function machine(): DrillReport['machine'] {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? 0;
  const memKiB = Number(readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s+(\d+)/)?.[1]);
  const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  return { cpus, memoryGiB: Math.round((memKiB / 1024 / 1024) * 10) / 10, kernel };
}

function readRecords(file: string): RequestRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RequestRecord);
}

/** RSS of every service and backend, readiness of the database's users, the exporter queue. */
function startSamplers(platform: Platform) {
  const rss: Sample[] = [];
  const readiness: Sample[] = [];
  const queue: Sample[] = [];
  const load: Sample[] = [];
  const processes = () => {
    const named: [string, number][] = Object.entries(platform.services).map(([n, s]) => [n, s.pid]);
    const { collector, jaeger } = platform.backendProcesses;
    if (collector?.running()) named.push(['otelcol', collector.pid]);
    if (jaeger?.running()) named.push(['jaeger', jaeger.pid]);
    return named;
  };
  const timer = setInterval(() => {
    const at = Date.now();
    const load1 = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
    if (Number.isFinite(load1)) load.push({ at, name: 'load1', value: load1 });
    for (const [name, pid] of processes()) {
      const kib = rssKiB(pid);
      if (kib !== undefined) rss.push({ at, name, value: kib });
    }
    for (const name of ['order-service', 'auth-service', 'fulfillment-worker']) {
      const url = platform.urls.service[name];
      if (!url) continue;
      void fetch(`${url}/readyz`, { signal: AbortSignal.timeout(900) }).then(
        (r) => readiness.push({ at, name, value: r.status === 200 ? 1 : 0 }),
        () => readiness.push({ at, name, value: 0 }),
      );
    }
    const telemetry = platform.urls.collectorTelemetry;
    if (telemetry)
      void scrape(telemetry).then(
        (samples) =>
          queue.push({ at, name: 'queue', value: sumOf(samples, 'otelcol_exporter_queue_size') }),
        () => undefined,
      );
  }, 1000);
  return { rss, readiness, queue, load, stop: () => clearInterval(timer) };
}

function rssKiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const value = status.match(/VmRSS:\s+(\d+)/)?.[1];
    return value === undefined ? undefined : Number(value);
  } catch {
    return undefined;
  }
}

/** Every order with its event's fate, once the outbox is empty and the worker caught up. */
async function settledOrders(databaseUrl: string): Promise<OrderRow[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const query = async () =>
      (
        await client.query<{
          id: string;
          created_at: Date;
          status: string;
          published: boolean | null;
          consumed: boolean;
        }>(
          `SELECT o.id, o.created_at, o.status,
                  (SELECT bool_and(ob.published_at IS NOT NULL) FROM outbox ob
                    WHERE ob.event_type = 'order.created' AND ob.payload->>'orderId' = o.id::text)
                    AS published,
                  EXISTS (SELECT 1 FROM fulfillments f WHERE f.order_id = o.id) AS consumed
             FROM orders o`,
        )
      ).rows;
    let rows = await query();
    // Until nothing waits in the outbox and every published event is consumed, or 60 s.
    const done = () =>
      rows.every((r) => r.published !== false && (r.published === null || r.consumed));
    const deadline = Date.now() + 60_000;
    while (!done() && Date.now() < deadline) {
      await sleep(1000);
      rows = await query();
    }
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at.getTime(),
      status: r.status,
      published: r.published,
      consumed: r.consumed,
    }));
  } finally {
    await client.end();
  }
}

/**
 * Traces are in once the last request's trace is in Jaeger and the collector's exporter queue is
 * empty (a store outage leaves a backlog on disk that drains after it returns).
 */
async function tracesSettled(platform: Platform, store: TraceStore, records: RequestRecord[]) {
  const last = records.at(-1);
  if (last) {
    await waitFor(
      `the last request's trace ${last.traceId} in Jaeger`,
      async () => {
        try {
          await store.fetchTrace(last.traceId);
          return true;
        } catch (error) {
          if (error instanceof TraceNotFoundError) return false;
          throw error;
        }
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    ).catch(() => undefined);
  }
  const telemetry = platform.urls.collectorTelemetry as string;
  await waitFor(
    "the collector's exporter queue to drain",
    async () => sumOf(await scrape(telemetry), 'otelcol_exporter_queue_size') === 0,
    { timeoutMs: 60_000, intervalMs: 1000 },
  ).catch(() => undefined);
}

/** Looks up every recorded trace, a few at a time. */
async function checkTraces(
  store: TraceStore,
  records: readonly RequestRecord[],
): Promise<Map<string, TraceCheck>> {
  const results = new Map<string, TraceCheck>();
  const ids = [...new Set(records.map((r) => r.traceId))];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      results.set(id, await checkTrace(store, id));
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return results;
}

async function checkTrace(store: TraceStore, traceId: string): Promise<TraceCheck> {
  let spans: Awaited<ReturnType<TraceStore['fetchTrace']>>;
  try {
    spans = await store.fetchTrace(traceId);
  } catch (error) {
    if (error instanceof TraceNotFoundError)
      return { found: false, complete: false, error: false, chargeError: false };
    throw error;
  }
  const roots = buildTraceTree(spans);
  const found = spans.some((s) => s.service === 'loadgen' && !s.parentSpanId);
  const orphans = roots.filter((r) => r.orphan).map((r) => `${r.span.service} '${r.span.name}'`);
  const problem = !found
    ? 'no loadgen root span'
    : orphans.length > 0
      ? `parent missing of ${orphans.join(', ')}`
      : roots.length !== 1
        ? `${roots.length} roots`
        : !spans.some((s) => s.service === 'api-gateway')
          ? 'no api-gateway span'
          : undefined;
  const complete = found && problem === undefined;
  const failed = spans.filter((s) => s.status.code === 'ERROR');
  const chargeError = failed.some(
    (s) =>
      s.service === 'payment-service' ||
      (s.service === 'order-service' && /payment|charge/i.test(s.name)),
  );
  return {
    found,
    complete,
    ...(problem ? { problem } : {}),
    error: failed.length > 0,
    chargeError,
  };
}

/** Redeliveries of order.created the worker found already fulfilled, by order id. */
function duplicatesFromLog(log: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of log.split('\n')) {
    if (!line.includes('"duplicate"')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; result?: string; orderId?: string };
      if (entry.msg === 'order.created handled' && entry.result === 'duplicate' && entry.orderId)
        counts.set(entry.orderId, (counts.get(entry.orderId) ?? 0) + 1);
    } catch {}
  }
  return counts;
}
