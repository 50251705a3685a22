import type { Operation } from './mix.js';
import type { LatencySummary, OperationReport, Report } from './schemas/report.js';

/** What the report counts: the mix's operations and the logins they need. */
export type ReportedOperation = Operation | 'login';
const REPORTED: readonly ReportedOperation[] = ['login', 'place', 'list', 'get'];

export type Outcome = 'ok' | 'clientError' | 'serverError' | 'networkError';

/**
 * 2xx is ok, 5xx the server's fault, no status at all a network error. Everything else is the
 * client's: 4xx, and a 3xx fetch could not follow (the gateway never redirects).
 */
export function outcomeOf(status: number | undefined): Outcome {
  if (status === undefined) return 'networkError';
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 500) return 'serverError';
  return 'clientError';
}

/** Nearest-rank percentile of ascending `sorted`: the smallest value with p% at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no values');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

const tenths = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Latency samples of one operation. Exact up to `capacity` samples; beyond that a uniform
 * reservoir (Algorithm R) of that size keeps memory flat on a run that never ends, while the
 * maximum stays exact.
 */
export class LatencySamples {
  private readonly values: number[] = [];
  private seen = 0;
  private largest = 0;

  constructor(
    private readonly capacity = 100_000,
    private readonly random: () => number = Math.random,
  ) {}

  add(ms: number): void {
    this.seen += 1;
    this.largest = Math.max(this.largest, ms);
    if (this.values.length < this.capacity) {
      this.values.push(ms);
      return;
    }
    const slot = Math.floor(this.random() * this.seen);
    if (slot < this.capacity) this.values[slot] = ms;
  }

  summary(): LatencySummary | null {
    if (this.values.length === 0) return null;
    const sorted = [...this.values].sort((a, b) => a - b);
    return {
      count: sorted.length,
      p50: tenths(percentile(sorted, 50)),
      p90: tenths(percentile(sorted, 90)),
      p99: tenths(percentile(sorted, 99)),
      max: tenths(this.largest),
    };
  }
}

interface Counters {
  sent: number;
  ok: number;
  clientErrors: number;
  serverErrors: number;
  networkErrors: number;
  shed: number;
  notLoggedIn: number;
  statuses: Record<string, number>;
  latency: LatencySamples;
}

const OUTCOME_COUNTER = {
  ok: 'ok',
  clientError: 'clientErrors',
  serverError: 'serverErrors',
  networkError: 'networkErrors',
} as const satisfies Record<Outcome, keyof Counters>;

export interface SnapshotTiming {
  state: Report['state'];
  startedAt: Date | undefined;
  elapsedSeconds: number;
  /** How long ticks have been scheduled (the run so far, or its whole scheduling window). */
  schedulingSeconds: number;
  inFlight: number;
}

/**
 * What loadgen sent and what came back, per operation. Pure bookkeeping: the caller says what
 * happened and when, so the arithmetic is testable without a clock or a network.
 */
export class LoadReport {
  private readonly counters: Record<ReportedOperation, Counters>;
  private ticksStarted = 0;
  private ticksShed = 0;

  constructor(
    private readonly configuredRate: number,
    options: { latencyCapacity?: number; random?: () => number } = {},
  ) {
    const fresh = (): Counters => ({
      sent: 0,
      ok: 0,
      clientErrors: 0,
      serverErrors: 0,
      networkErrors: 0,
      shed: 0,
      notLoggedIn: 0,
      statuses: {},
      latency: new LatencySamples(options.latencyCapacity, options.random),
    });
    this.counters = { login: fresh(), place: fresh(), list: fresh(), get: fresh() };
  }

  /** A tick took a concurrency slot for `operation`. */
  started(_operation: Operation): void {
    this.ticksStarted += 1;
  }

  /** A tick found the concurrency cap reached: nothing was sent. */
  shed(operation: Operation): void {
    this.ticksShed += 1;
    this.counters[operation].shed += 1;
  }

  /** The operation's user could not log in: nothing was sent for it. */
  notLoggedIn(operation: Operation): void {
    this.counters[operation].notLoggedIn += 1;
  }

  /** A request was sent and answered with `status`, or with nothing (undefined). */
  response(operation: ReportedOperation, status: number | undefined, latencyMs: number): Outcome {
    const counters = this.counters[operation];
    const outcome = outcomeOf(status);
    counters.sent += 1;
    counters[OUTCOME_COUNTER[outcome]] += 1;
    if (status !== undefined) {
      counters.statuses[status] = (counters.statuses[status] ?? 0) + 1;
      counters.latency.add(latencyMs);
    }
    return outcome;
  }

  snapshot(timing: SnapshotTiming): Report {
    const operations = Object.fromEntries(
      REPORTED.map((operation) => [operation, this.operationReport(operation)]),
    ) as Report['operations'];
    const totals = { sent: 0, ok: 0, clientErrors: 0, serverErrors: 0, networkErrors: 0 };
    for (const operation of REPORTED) {
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) {
        totals[key] += operations[operation][key];
      }
    }
    const achieved =
      timing.schedulingSeconds > 0 ? this.ticksStarted / timing.schedulingSeconds : 0;
    return {
      kind: 'loadgen.report',
      state: timing.state,
      startedAt: timing.startedAt?.toISOString() ?? null,
      elapsedSeconds: Math.round(timing.elapsedSeconds * 1000) / 1000,
      rate: { configured: this.configuredRate, achieved: Math.round(achieved * 100) / 100 },
      ticks: {
        scheduled: this.ticksStarted + this.ticksShed,
        started: this.ticksStarted,
        shed: this.ticksShed,
      },
      inFlight: timing.inFlight,
      ordersCreated: operations.place.statuses['201'] ?? 0,
      operations,
      totals,
    };
  }

  private operationReport(operation: ReportedOperation): OperationReport {
    const { latency, statuses, ...counts } = this.counters[operation];
    return { ...counts, statuses: { ...statuses }, latencyMs: latency.summary() };
  }
}
