/**
 * The machinery of the overhead benchmarks: PostgreSQL, RabbitMQ and the collector started once;
 * the services started per variant (OTEL_SDK_DISABLED and candidates are read at start-up); each
 * phase driven by autocannon with CPU accounted per process from /proc; the processes placed on
 * cores as a cluster would run them, or all on every core.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDatabase,
  loadManifest,
  type PostgresServer,
  type RabbitMqServer,
  startPostgres,
  startRabbitMq,
} from '@tracing-demo/platform';
import { type BenchCollector, startBenchCollector } from './collector.ts';
import { drive, type LoadOptions, type LoadResult } from './load.ts';
import { type NullSink, startNullSink } from './null-sink.ts';
import {
  ALL_CPUS,
  cpuSeconds,
  machineCpu,
  pidListeningOn,
  pinProcess,
  pinTree,
  postgresBackends,
  treeCpuSeconds,
} from './proc.ts';
import { BENCH_DIR } from './report.ts';
import { type AppStack, login, ORDER_BODY, placeOrder, startAppStack } from './stack.ts';
import { sleep, sum } from './stats.ts';

export interface Variant {
  name: string;
  /** What the variant changes, for the tables. */
  label: string;
  env: Record<string, string>;
  register?: string;
}

/**
 * A variant running bench/lib/register-candidate.ts (the project's register with switches)
 * with the comma-separated `changes` switched on.
 */
export const candidate = (
  name: string,
  label: string,
  changes: string,
  env: Record<string, string> = {},
): Variant => ({
  name,
  label,
  env: { BENCH_CANDIDATE: changes, ...env },
  register: join(BENCH_DIR, 'lib', 'register-candidate.ts'),
});

/**
 * What a user would pick instead of the project's register, with its defaults. The platform
 * already sets OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_ENDPOINT. Also set: no metrics and no
 * logs over OTLP (the collector's OTLP receiver feeds traces pipelines only, and the project's
 * register ships neither), and only the resource detectors that read local files (the cloud
 * ones query metadata addresses off this machine).
 */
export const STOCK: Variant = {
  name: 'stock',
  label: 'stock auto-instrumentations-node/register',
  env: {
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process,serviceinstance,container',
  },
  register: '@opentelemetry/auto-instrumentations-node/register',
};

export interface Infra {
  postgres: PostgresServer;
  /** One broker and one database per slot: stacks running side by side never share queues. */
  rabbits: RabbitMqServer[];
  databaseUrls: string[];
  /** The slots' database names, as PostgreSQL's backend titles show them. */
  databases: string[];
  sink: NullSink;
  collector: BenchCollector;
  logDir: string;
  pids: { postgres: number; rabbitmq: number[] };
  stop(): Promise<void>;
}

export interface InfraOptions {
  /** Pin the collector to these CPUs with GOMAXPROCS=1, as a one-core pod runs it. */
  collectorCpus?: string;
}

export async function startInfra(
  workDir: string,
  slots = 1,
  options: InfraOptions = {},
): Promise<Infra> {
  const logDir = join(workDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stoppers: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    const postgresStarting = startPostgres();
    const rabbitsStarting = Array.from({ length: slots }, () => startRabbitMq());
    const [postgres, sink, ...rabbits] = await Promise.all([
      postgresStarting,
      startNullSink(),
      ...rabbitsStarting,
    ]);
    stoppers.push(
      () => postgres.stop(),
      () => sink.close(),
    );
    for (const rabbit of rabbits) stoppers.push(() => rabbit.destroy());
    const databases = Array.from({ length: slots }, (_, slot) => `bench_overhead_${slot}`);
    const databaseUrls: string[] = [];
    for (const database of databases) {
      databaseUrls.push(await createDatabase(postgres.url(), database));
    }
    const collector = await startBenchCollector({
      tracesUrl: sink.url,
      logFile: join(logDir, 'otelcol.log'),
      ...(options.collectorCpus ? { cpus: options.collectorCpus, env: { GOMAXPROCS: '1' } } : {}),
    });
    stoppers.push(() => collector.stop());
    return {
      postgres,
      rabbits,
      databaseUrls,
      databases,
      sink,
      collector,
      logDir,
      pids: {
        postgres: pidListeningOn(postgres.port),
        rabbitmq: rabbits.map((rabbit) => pidListeningOn(rabbit.port)),
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The slot's own broker (each stack has one). */
const rabbitCpu = (infra: Infra, slot: number) =>
  treeCpuSeconds(infra.pids.rabbitmq[slot] as number);

/** CPU seconds so far of everything taking part, by name. */
export type CpuSnapshot = Record<string, number>;

const SERVICE_NAMES = loadManifest().services.map((spec) => spec.name);

/** Snapshot keys of the target's own PostgreSQL backends, one per pid; cpuPer folds them. */
const BACKEND = 'postgres backend ';

export function cpuSnapshot(infra: Infra, target: Target): CpuSnapshot {
  const own = process.cpuUsage();
  const snapshot: CpuSnapshot = {
    collector: cpuSeconds(infra.collector.pid),
    postgres: treeCpuSeconds(infra.pids.postgres),
    rabbitmq: rabbitCpu(infra, target.slot),
    'bench (autocannon, sink)': (own.user + own.system) / 1e6,
    machine: machineCpu().busy,
  };
  for (const service of target.stack.services) snapshot[service.name] = cpuSeconds(service.pid);
  for (const [pid, backend] of postgresBackends(infra.pids.postgres)) {
    if (backend.database === infra.databases[target.slot])
      snapshot[`${BACKEND}${pid}`] = backend.cpu;
  }
  return snapshot;
}

/**
 * Where the processes run. `cluster`: the collector alone on CPU 1, as its own pod would be;
 * the services, PostgreSQL, RabbitMQ and this process (the load generator) on CPU 0. `machine`:
 * everything on every CPU. Threads and processes started later inherit their parent's CPUs.
 */
export type Layout = 'cluster' | 'machine';

export function place(infra: Infra, stacks: AppStack[], layout: Layout): void {
  const rest = layout === 'cluster' ? '0' : ALL_CPUS;
  pinTree(infra.collector.pid, layout === 'cluster' ? '1' : ALL_CPUS);
  pinProcess(process.pid, rest);
  pinTree(infra.pids.postgres, rest);
  for (const pid of infra.pids.rabbitmq) pinTree(pid, rest);
  for (const stack of stacks) for (const service of stack.services) pinProcess(service.pid, rest);
}

/**
 * Per name, CPU ms used between two snapshots divided by `count`; plus services and other.
 * PostgreSQL is split: `postgres backends` are the target's own database's client backends
 * alive at the end (what its orders asked for: one that started meanwhile counts whole, one that
 * exited is left out), `postgres server` the rest of the server (background workers,
 * autovacuum, exited backends, other stacks' idle backends).
 */
export function cpuPer(before: CpuSnapshot, after: CpuSnapshot, count: number) {
  const per: Record<string, number> = {};
  let backends = 0;
  for (const name of Object.keys(after)) {
    const used = (((after[name] ?? 0) - (before[name] ?? 0)) * 1000) / count;
    if (name.startsWith(BACKEND)) backends += used;
    else per[name] = used;
  }
  if (per.postgres !== undefined) {
    per['postgres backends'] = backends;
    per['postgres server'] = per.postgres - backends;
    delete per.postgres;
  }
  per.services = sum(SERVICE_NAMES.map((name) => per[name] ?? 0));
  const tracked = sum(
    Object.entries(per)
      .filter(([name]) => name !== 'machine' && name !== 'services')
      .map(([, value]) => value),
  );
  per.other = (per.machine ?? 0) - tracked;
  return per;
}

/**
 * Waits until the stack has finished the work a phase left behind (the worker's backlog, the
 * SDK's last batch, the collector's decisions): at least `minMs`, then until the processes
 * together use under 5% of a core over half a second.
 */
export async function waitQuiet(
  cpu: () => number,
  { minMs, maxMs = 30_000 }: { minMs: number; maxMs?: number },
): Promise<number> {
  const began = performance.now();
  await sleep(minMs);
  for (;;) {
    const before = cpu();
    await sleep(500);
    const used = cpu() - before;
    const elapsed = performance.now() - began;
    if (used / 0.5 < 0.05 || elapsed > maxMs) return elapsed;
  }
}

export interface Phase {
  load: LoadResult;
  /** CPU ms per request sent by process, from the phase start to the quiet point. */
  cpuMsPerRequest?: Record<string, number>;
  /** Spans the collector accepted per request sent (traced variants). */
  spansPerRequest?: number;
  /** Spans the collector refused or failed to take in over the window (must be 0). */
  spansRefused?: number;
  /** Seconds from the phase's start to the quiet point (the window CPU was accounted over). */
  windowSeconds?: number;
}

export interface Target {
  stack: AppStack;
  /** Which database and broker of the infra it uses. */
  slot: number;
  token: string;
  orderId: string;
  orderLoad: (connections: number, seconds: number) => LoadOptions;
  readLoad: (connections: number, seconds: number) => LoadOptions;
  loginLoad: (connections: number, seconds: number) => LoadOptions;
}

export async function startTarget(
  infra: Infra,
  variant: Variant,
  tag: string,
  slot = 0,
): Promise<Target> {
  const stack = await startAppStack({
    databaseUrl: infra.databaseUrls[slot] as string,
    amqpUrl: (infra.rabbits[slot] as RabbitMqServer).url,
    otlpEndpoint: infra.collector.collector.otlpHttpUrl,
    logDir: infra.logDir,
    env: variant.env,
    register: variant.register,
    tag,
  });
  try {
    const token = await login(stack.gateway.url);
    const placed = await placeOrder(stack.gateway.url, token);
    if (placed.status !== 201 || !placed.id) throw new Error(`order failed: ${placed.status}`);
    const json = { 'content-type': 'application/json' };
    const bearer = { authorization: `Bearer ${token}` };
    const orderBody = JSON.stringify(ORDER_BODY);
    return {
      stack,
      slot,
      token,
      orderId: placed.id,
      orderLoad: (connections, durationSeconds) => ({
        url: `${stack.gateway.url}/api/orders`,
        method: 'POST',
        headers: { ...json, ...bearer },
        body: orderBody,
        connections,
        durationSeconds,
      }),
      readLoad: (connections, durationSeconds) => ({
        url: `${stack.gateway.url}/api/orders/${placed.id}`,
        headers: bearer,
        connections,
        durationSeconds,
      }),
      loginLoad: (connections, durationSeconds) => ({
        url: `${stack.gateway.url}/api/auth/login`,
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email: 'alice@example.com', password: 'alice-password' }),
        connections,
        durationSeconds,
      }),
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

/** CPU seconds so far of the services, the collector, PostgreSQL and RabbitMQ together. */
export const stackCpuOf = (infra: Infra, target: Target) => () =>
  sum(target.stack.services.map((s) => cpuSeconds(s.pid))) +
  cpuSeconds(infra.collector.pid) +
  treeCpuSeconds(infra.pids.postgres) +
  rabbitCpu(infra, target.slot);

/**
 * One measured phase: load, then (when `account`) the quiet wait, with CPU and spans per
 * request over the whole window, so work a request causes after its response (the worker, the
 * last export batch, the collector) is counted with it.
 */
export async function measure(
  infra: Infra,
  target: Target,
  load: LoadOptions,
  account: { quietMinMs: number } | undefined,
): Promise<Phase> {
  if (!account) return { load: await drive(load) };
  const began = performance.now();
  const cpuBefore = cpuSnapshot(infra, target);
  const countersBefore = await infra.collector.counters();
  const result = await drive(load);
  await waitQuiet(stackCpuOf(infra, target), { minMs: account.quietMinMs });
  const cpuAfter = cpuSnapshot(infra, target);
  const countersAfter = await infra.collector.counters();
  const sent = Math.max(1, result.sent);
  return {
    load: result,
    cpuMsPerRequest: cpuPer(cpuBefore, cpuAfter, sent),
    spansPerRequest: (countersAfter.accepted - countersBefore.accepted) / sent,
    spansRefused:
      countersAfter.refused + countersAfter.failed - countersBefore.refused - countersBefore.failed,
    windowSeconds: (performance.now() - began) / 1000,
  };
}
