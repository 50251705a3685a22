/**
 * The account of a drill, per window (the steady state, then each fault with its recovery gap):
 * pure arithmetic over what loadgen recorded, what the database holds, what the trace store
 * returned and what /proc said, so it can be checked without running anything.
 */
import type { Fault, FaultMarks } from './faults.ts';

/** One line of loadgen's LOADGEN_RECORDS_FILE (services/loadgen/src/generator.ts). */
export interface RequestRecord {
  at: number;
  operation: 'login' | 'place' | 'list' | 'get';
  status: number | null;
  ms: number;
  traceId: string;
  orderId?: string;
}

export interface OrderRow {
  id: string;
  createdAt: number;
  status: string;
  /** null: no order.created in the outbox at all. */
  published: boolean | null;
  consumed: boolean;
}

/** What the trace store has of one trace. */
export interface TraceCheck {
  found: boolean;
  /** One root (loadgen's span), no span whose parent is missing, the gateway's span present. */
  complete: boolean;
  /** What makes it incomplete, in words. */
  problem?: string;
  /** A span with status ERROR. */
  error: boolean;
  /** A failed span of payment-service, or order-service's span calling it. */
  chargeError: boolean;
}

export interface Window {
  name: string;
  how: string;
  from: number;
  to: number;
  fault?: Fault;
  marks?: FaultMarks;
  seconds?: number;
}

export interface Sample {
  at: number;
  name: string;
  value: number;
}

export interface AccountInput {
  records: readonly RequestRecord[];
  windows: readonly Window[];
  orders: readonly OrderRow[];
  /** Redeliveries the worker found already fulfilled, by order id. */
  duplicates: ReadonlyMap<string, number>;
  traces: ReadonlyMap<string, TraceCheck>;
  /** Resident set size in KiB, by process name. */
  rss: readonly Sample[];
  /** 1 ready, 0 not, by service name. */
  readiness: readonly Sample[];
  /** The machine's 1-minute load average (/proc/loadavg). */
  load: readonly Sample[];
  /** The tail sampler's longest wait for a trace: what a SIGKILL can lose. */
  decisionWindowMs: number;
  /**
   * How long an ended span may wait in its service's export queue: OTEL_BSP_SCHEDULE_DELAY, plus
   * an export in flight (the batch processor starts its timer again once that one is done).
   */
  exportDelayMs: number;
  /** Assert p99 within +10 % and no trace lost at a graceful restart (else only report them). */
  strict: boolean;
}

export interface WindowAccount {
  name: string;
  how: string;
  startedAt: string;
  seconds: number;
  requests: {
    sent: number;
    succeeded: number;
    failed: number;
    byStatus: Record<string, number>;
    /** Failures this fault is allowed to cause (a 503 while PostgreSQL is down). */
    allowedFailures: number;
  };
  latencyMs: { p50: number | null; p99: number | null; max: number | null };
  /** The machine's mean 1-minute load average in the window: latency means little above the cores. */
  loadAverage: number | null;
  orders: {
    acknowledged: number;
    inDatabase: number;
    acknowledgedNotInDatabase: number;
    /** Orders in the database whose request was not answered 201, by status. */
    unacknowledgedInDatabase: Record<string, number>;
  };
  events: {
    published: number;
    consumed: number;
    duplicates: number;
    missing: number;
    unpublished: number;
  };
  errorTraces: {
    expected: number;
    foundComplete: number;
    notFound: string[];
    incomplete: string[];
  };
  sampledTraces: {
    sent: number;
    found: number;
    lost: number;
    /** Lost with a SIGKILLed collector's undecided traces: allowed, bounded by the window. */
    lostUndecidedAtKill: number;
    /**
     * Lost while the collector was down or hung, or ended within the services' export delay
     * before it was killed, hung or restarted: spans their SDKs dropped, or traces the collector
     * decided without the spans the services still held (on its first tick after SIGCONT, or
     * when it decides every pending trace at shutdown).
     */
    lostWhileCollectorDown: number;
    /** Lost around the collector's graceful restart (an invariant in the full profile). */
    lostAtGracefulRestart: number;
    incomplete: number;
    /** Up to 5 of the incomplete ones, to open with `tracing-demo trace <id>`. */
    incompleteExamples: string[];
  };
  rssPeakMiB: Record<string, number>;
  /** Whether /readyz answered not ready during the fault, and ready at the window's end. */
  readiness: Record<string, { notReadySeen: boolean; readyAtEnd: boolean }>;
  violations: string[];
}

const NORMAL: Record<RequestRecord['operation'], readonly number[]> = {
  login: [200],
  place: [201, 402],
  list: [200],
  get: [200],
};

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? null
    : (sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] ??
      null);

const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;

export function account(input: AccountInput): WindowAccount[] {
  const rows: WindowAccount[] = [];
  let steadyP99: number | null = null;
  const ordersById = new Map(input.orders.map((o) => [o.id, o]));
  const acknowledged = new Set(input.records.flatMap((r) => (r.orderId ? [r.orderId] : [])));
  // A SIGKILL loses the traces still undecided, which may have been sent in the window before.
  const kills = input.windows.flatMap((w) =>
    w.fault?.name === 'collector-kill' && w.marks?.killedAt !== undefined ? [w.marks.killedAt] : [],
  );
  // A graceful restart should lose nothing the collector had: traces undecided when it began, or
  // sent until it was back, are counted apart so the loss is named.
  const restarts = input.windows.flatMap((w) =>
    w.fault?.name === 'collector-term' && w.marks
      ? [{ from: w.marks.injectedAt - input.decisionWindowMs, to: w.marks.recoveredAt }]
      : [],
  );
  // Spans that ended up to the export delay before the collector died, hung or restarted were
  // still queued in their services (docs/drill.md, The account): the window before loses too.
  const collectorFaults = ['collector-kill', 'collector-hang', 'collector-term'];
  const outages = input.windows.flatMap((w) =>
    w.fault && collectorFaults.includes(w.fault.name) && w.marks
      ? [{ from: w.marks.injectedAt - input.exportDelayMs, to: w.marks.recoveredAt }]
      : [],
  );
  for (const window of input.windows) {
    const within = (at: number) => at >= window.from && at < window.to;
    const records = input.records.filter((r) => within(r.at));
    const violations: string[] = [];
    const fault = window.fault;

    const byStatus: Record<string, number> = {};
    let succeeded = 0;
    let failed = 0;
    let allowedFailures = 0;
    const failedRecords: RequestRecord[] = [];
    for (const record of records) {
      const key = record.status === null ? 'no answer' : String(record.status);
      byStatus[key] = (byStatus[key] ?? 0) + 1;
      if (record.status !== null && NORMAL[record.operation].includes(record.status)) {
        succeeded += 1;
        continue;
      }
      failed += 1;
      failedRecords.push(record);
      const allowed = fault?.allowed[record.operation] ?? [];
      if (record.status !== null && allowed.includes(record.status)) allowedFailures += 1;
    }
    if (failed > allowedFailures) {
      const unexpected = failedRecords
        .filter((r) => r.status === null || !(fault?.allowed[r.operation] ?? []).includes(r.status))
        .map((r) => `${r.operation} ${r.status ?? 'no answer'}`);
      violations.push(`${failed - allowedFailures} unexpected answers: ${summarize(unexpected)}`);
    }

    const answered = records
      .filter((r) => r.status !== null && r.operation !== 'login')
      .map((r) => r.ms)
      .sort((a, b) => a - b);
    const latencyMs = {
      p50: percentile(answered, 50),
      p99: percentile(answered, 99),
      max: answered.at(-1) ?? null,
    };
    // The steady state is the fault-free window right before the faults (after the warm-up).
    if (!fault) steadyP99 = latencyMs.p99;
    else if (
      input.strict &&
      fault.latencyBound &&
      steadyP99 !== null &&
      latencyMs.p99 !== null &&
      latencyMs.p99 > steadyP99 * 1.1
    ) {
      violations.push(`p99 ${latencyMs.p99} ms is above the steady ${steadyP99} ms + 10 %`);
    }

    // Orders: acknowledged by the request's time, the database's own by created_at.
    const acked = records.flatMap((r) => (r.orderId ? [r.orderId] : []));
    const notInDatabase = acked.filter((id) => !ordersById.has(id));
    if (notInDatabase.length > 0) {
      violations.push(`${notInDatabase.length} acknowledged orders not in the database`);
    }
    const dbOrders = input.orders.filter((o) => within(o.createdAt));
    const unacknowledged: Record<string, number> = {};
    for (const order of dbOrders) {
      if (!acknowledged.has(order.id))
        unacknowledged[order.status] = (unacknowledged[order.status] ?? 0) + 1;
    }
    const ackedRows = acked.flatMap((id) => ordersById.get(id) ?? []);
    const events = {
      published: ackedRows.filter((o) => o.published).length,
      consumed: ackedRows.filter((o) => o.consumed).length,
      duplicates: ackedRows.reduce((sum, o) => sum + (input.duplicates.get(o.id) ?? 0), 0),
      missing: ackedRows.filter((o) => o.published && !o.consumed).length,
      unpublished: ackedRows.filter((o) => !o.published).length,
    };
    if (events.missing > 0) violations.push(`${events.missing} order.created never consumed`);
    if (events.unpublished > 0)
      violations.push(`${events.unpublished} acknowledged orders without a published event`);

    // Error traces: every failed request's trace, kept and complete.
    const notFound: string[] = [];
    const incomplete: string[] = [];
    let foundComplete = 0;
    for (const record of failedRecords) {
      const trace = input.traces.get(record.traceId);
      const chargeNeeded = fault?.name === 'payment-faults' && record.operation === 'place';
      if (!trace?.found) notFound.push(record.traceId);
      else if (!trace.complete || !trace.error || (chargeNeeded && !trace.chargeError))
        incomplete.push(record.traceId);
      else foundComplete += 1;
    }
    if (notFound.length > 0 || incomplete.length > 0) {
      violations.push(
        `error traces: ${notFound.length} not in the store, ${incomplete.length} incomplete ` +
          `(e.g. ${[...notFound, ...incomplete].slice(0, 3).join(', ')})`,
      );
    }

    // Sampled traces: loadgen's carry the synthetic mark, which tail sampling always keeps.
    const marks = window.marks;
    let lostUndecidedAtKill = 0;
    let lostWhileCollectorDown = 0;
    const lostAtRestart: string[] = [];
    let lost = 0;
    let incompleteSampled = 0;
    const incompleteExamples: string[] = [];
    const lostOutside: string[] = [];
    for (const record of records) {
      const trace = input.traces.get(record.traceId);
      if (trace?.found) {
        if (!trace.complete) {
          incompleteSampled += 1;
          if (incompleteExamples.length < 5)
            incompleteExamples.push(`${record.traceId}: ${trace.problem ?? 'incomplete'}`);
        }
        continue;
      }
      lost += 1;
      const ended = record.at + record.ms;
      if (kills.some((kill) => ended <= kill && ended > kill - input.decisionWindowMs)) {
        lostUndecidedAtKill += 1;
      } else if (outages.some((o) => ended > o.from && record.at < o.to)) {
        lostWhileCollectorDown += 1;
      } else if (restarts.some((r) => ended > r.from && record.at < r.to)) {
        lostAtRestart.push(record.traceId);
      } else {
        lostOutside.push(record.traceId);
      }
    }
    if (lostAtRestart.length > 0 && input.strict) {
      violations.push(
        `${lostAtRestart.length} sampled traces lost at the collector's graceful restart ` +
          `(e.g. ${lostAtRestart.slice(0, 3).join(', ')})`,
      );
    }
    if (lostOutside.length > 0) {
      violations.push(
        `${lostOutside.length} sampled traces lost (e.g. ${lostOutside.slice(0, 3).join(', ')})`,
      );
    }

    const rssPeakMiB: Record<string, number> = {};
    for (const sample of input.rss) {
      if (!within(sample.at)) continue;
      rssPeakMiB[sample.name] = Math.max(rssPeakMiB[sample.name] ?? 0, mib(sample.value));
    }

    // Readiness of the services that need PostgreSQL or RabbitMQ, in every window; an
    // invariant only where the database is gone: they must say so, and recover by themselves.
    const readiness: NonNullable<WindowAccount['readiness']> = {};
    for (const name of new Set(input.readiness.map((s) => s.name))) {
      const samples = input.readiness.filter((s) => s.name === name && within(s.at));
      const during = marks
        ? samples.filter((s) => s.at > marks.injectedAt && s.at < marks.recoveredAt)
        : samples;
      readiness[name] = {
        notReadySeen: during.some((s) => s.value === 0),
        readyAtEnd: samples.at(-1)?.value === 1,
      };
    }
    if (fault?.name === 'postgresql-down') {
      for (const name of ['order-service', 'auth-service']) {
        if (!readiness[name]?.notReadySeen)
          violations.push(`${name} stayed ready without its database`);
        if (!readiness[name]?.readyAtEnd)
          violations.push(`${name} not ready again after the recovery gap`);
      }
    }

    const loads = input.load.filter((sample) => within(sample.at)).map((sample) => sample.value);
    const loadAverage =
      loads.length === 0
        ? null
        : Math.round((loads.reduce((sum, value) => sum + value, 0) / loads.length) * 100) / 100;

    rows.push({
      name: window.name,
      how: window.how,
      startedAt: new Date(window.from).toISOString(),
      seconds: Math.round((window.to - window.from) / 100) / 10,
      requests: { sent: records.length, succeeded, failed, byStatus, allowedFailures },
      latencyMs,
      loadAverage,
      orders: {
        acknowledged: acked.length,
        inDatabase: dbOrders.length,
        acknowledgedNotInDatabase: notInDatabase.length,
        unacknowledgedInDatabase: unacknowledged,
      },
      events,
      errorTraces: { expected: failedRecords.length, foundComplete, notFound, incomplete },
      sampledTraces: {
        sent: records.length,
        found: records.length - lost,
        lost,
        lostUndecidedAtKill,
        lostWhileCollectorDown,
        lostAtGracefulRestart: lostAtRestart.length,
        incomplete: incompleteSampled,
        incompleteExamples,
      },
      rssPeakMiB,
      readiness,
      violations,
    });
  }
  return rows;
}

/** `place 500 ×3, list no answer` */
function summarize(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].map(([item, n]) => (n > 1 ? `${item} ×${n}` : item)).join(', ');
}

/** The account as a table: one line per window, ✓ or ✗ with what broke under it. */
export function renderAccount(rows: readonly WindowAccount[]): string {
  const header = [
    'window',
    'sent',
    'ok',
    'failed (status)',
    'p50/p99 ms',
    'load',
    'orders ack/db',
    'events pub/cons/dup/miss',
    'err traces found/exp',
    'traces lost (allowed)',
    'peak RSS MiB (collector, max service)',
    '',
  ];
  const lines = rows.map((row) => {
    const failures = Object.entries(row.requests.byStatus)
      .filter(([status]) => !['200', '201', '402'].includes(status))
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
    const services = Object.entries(row.rssPeakMiB).filter(
      ([name]) => name !== 'otelcol' && name !== 'jaeger',
    );
    const biggest = services.sort((a, b) => b[1] - a[1])[0];
    const allowedLost =
      row.sampledTraces.lostUndecidedAtKill + row.sampledTraces.lostWhileCollectorDown;
    return [
      row.name,
      String(row.requests.sent),
      String(row.requests.succeeded),
      row.requests.failed === 0 ? '0' : `${row.requests.failed} (${failures})`,
      `${row.latencyMs.p50 ?? '-'}/${row.latencyMs.p99 ?? '-'}`,
      row.loadAverage === null ? '-' : row.loadAverage.toFixed(1),
      `${row.orders.acknowledged}/${row.orders.inDatabase}`,
      `${row.events.published}/${row.events.consumed}/${row.events.duplicates}/${row.events.missing}`,
      `${row.errorTraces.foundComplete}/${row.errorTraces.expected}`,
      `${row.sampledTraces.lost} (${allowedLost}${
        row.sampledTraces.lostAtGracefulRestart > 0
          ? `; ${row.sampledTraces.lostAtGracefulRestart} at restart`
          : ''
      })`,
      `${row.rssPeakMiB.otelcol ?? '-'}, ${biggest ? `${biggest[1]} ${biggest[0]}` : '-'}`,
      row.violations.length === 0 ? '✓' : '✗',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [format(header)];
  for (const [index, line] of lines.entries()) {
    out.push(format(line));
    for (const violation of rows[index]?.violations ?? []) out.push(`    ✗ ${violation}`);
  }
  return `${out.join('\n')}\n`;
}
