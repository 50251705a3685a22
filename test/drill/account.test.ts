/** The drill's account (drill/account.ts): what breaks an invariant and what is allowed. */
import { describe, expect, it } from 'vitest';
import {
  type AccountInput,
  account,
  type RequestRecord,
  type TraceCheck,
} from '../../drill/account.ts';
import { FAULTS } from '../../drill/faults.ts';

const fault = (name: string) => {
  const found = FAULTS.find((f) => f.name === name);
  if (!found) throw new Error(name);
  return found;
};
const GOOD: TraceCheck = { found: true, complete: true, error: false, chargeError: false };
const FAILED: TraceCheck = { found: true, complete: true, error: true, chargeError: true };

let ids = 0;
const record = (at: number, status: number | null, extra: Partial<RequestRecord> = {}) => ({
  at,
  operation: 'list' as const,
  status,
  ms: 10,
  traceId: `trace-${++ids}`,
  ...extra,
});

/** One steady window [0, 1000) and one fault window [1000, 2000) injected at 1000. */
function input(name: string, records: RequestRecord[], overrides: Partial<AccountInput> = {}) {
  return {
    records,
    windows: [
      { name: 'steady', how: 'no fault', from: 0, to: 1000 },
      {
        name,
        how: name,
        from: 1000,
        to: 2000,
        fault: fault(name),
        marks: { injectedAt: 1000, recoveredAt: 1500, killedAt: 1000 },
      },
    ],
    orders: [],
    duplicates: new Map(),
    traces: new Map(records.map((r) => [r.traceId, r.status === 200 ? GOOD : FAILED])),
    rss: [],
    readiness: [],
    load: [],
    decisionWindowMs: 500,
    exportDelayMs: 300,
    strict: false,
    ...overrides,
  } satisfies AccountInput;
}

describe("the drill's account", () => {
  it('allows a fault its own clear failures and nothing else', () => {
    const records = [
      record(1100, 503),
      record(1200, 503, { operation: 'place' }),
      record(1300, 500),
      record(1400, null),
    ];
    const [, row] = account(input('postgresql-down', records));

    expect(row?.requests).toMatchObject({ sent: 4, failed: 4, allowedFailures: 2 });
    expect(row?.requests.byStatus).toEqual({ '503': 2, '500': 1, 'no answer': 1 });
    expect(row?.violations).toContain('2 unexpected answers: list 500, list no answer');
  });

  it("counts traces lost with a killed collector's undecided ones apart, and no others", () => {
    const kept = record(1800, 200);
    const undecided = record(700, 200); // ended 290 ms before the kill: within the 500 ms window
    const older = record(100, 200); // ended long before: should have been decided and stored
    const traces = new Map([[kept.traceId, GOOD]]);
    const [steady, kill] = account(input('collector-kill', [older, undecided, kept], { traces }));

    expect(steady?.sampledTraces).toMatchObject({ lost: 2, lostUndecidedAtKill: 1 });
    expect(steady?.violations).toEqual([`1 sampled traces lost (e.g. ${older.traceId})`]);
    expect(kill?.violations).toEqual([]);
  });

  it('counts traces whose spans were still queued in the services when the collector hung', () => {
    const queued = record(800, 200); // ended 190 ms before the SIGSTOP: within the 300 ms delay
    const exported = record(500, 200); // ended 490 ms before: its spans were in the collector
    const during = record(1200, 200);
    const traces = new Map<string, TraceCheck>();
    const [steady, hang] = account(input('collector-hang', [exported, queued, during], { traces }));

    expect(steady?.sampledTraces).toMatchObject({ lost: 2, lostWhileCollectorDown: 1 });
    expect(steady?.violations).toEqual([`1 sampled traces lost (e.g. ${exported.traceId})`]);
    expect(hang?.sampledTraces).toMatchObject({ lost: 1, lostWhileCollectorDown: 1 });
    expect(hang?.violations).toEqual([]);
  });

  it('names traces lost at a graceful restart, and fails on them only when strict', () => {
    const before = record(600, 200); // ended 390 ms before the SIGTERM at 1000, in the collector
    const queued = record(900, 200); // ended 90 ms before: still queued in the services
    const traces = new Map<string, TraceCheck>();
    const [steady] = account(input('collector-term', [before, queued], { traces }));
    expect(steady?.sampledTraces).toMatchObject({
      lost: 2,
      lostAtGracefulRestart: 1,
      lostWhileCollectorDown: 1,
    });
    expect(steady?.violations).toEqual([]);

    const [strict] = account(input('collector-term', [before, queued], { traces, strict: true }));
    expect(strict?.violations).toEqual([
      `1 sampled traces lost at the collector's graceful restart (e.g. ${before.traceId})`,
    ]);
  });

  it('needs every acknowledged order stored with its event consumed', () => {
    const records = [
      record(1100, 201, { operation: 'place', orderId: 'a' }),
      record(1200, 201, { operation: 'place', orderId: 'b' }),
      record(1300, 201, { operation: 'place', orderId: 'c' }),
    ];
    const orders = [
      { id: 'a', createdAt: 1100, status: 'fulfilled', published: true, consumed: true },
      { id: 'b', createdAt: 1200, status: 'paid', published: true, consumed: false },
      { id: 'z', createdAt: 1400, status: 'failed', published: null, consumed: false },
    ];
    const traces = new Map(records.map((r) => [r.traceId, GOOD]));
    const [, row] = account(input('rabbitmq-down', records, { orders, traces }));

    expect(row?.orders).toEqual({
      acknowledged: 3,
      inDatabase: 3,
      acknowledgedNotInDatabase: 1,
      unacknowledgedInDatabase: { failed: 1 },
    });
    expect(row?.events).toMatchObject({ published: 2, consumed: 1, missing: 1 });
    expect(row?.violations).toEqual([
      '1 acknowledged orders not in the database',
      '1 order.created never consumed',
    ]);
  });

  it('needs every failed request’s trace complete, with the charge failing under payment faults', () => {
    const failed = record(1100, 502, { operation: 'place' });
    const traces = new Map([[failed.traceId, { ...FAILED, chargeError: false }]]);
    const [, row] = account(input('payment-faults', [failed], { traces }));

    expect(row?.errorTraces).toMatchObject({ expected: 1, foundComplete: 0 });
    expect(row?.errorTraces.incomplete).toEqual([failed.traceId]);
    expect(row?.violations).toHaveLength(1);
  });

  it('needs the database’s users not ready during its outage and ready after', () => {
    const readiness = [
      { at: 1200, name: 'order-service', value: 0 },
      { at: 1900, name: 'order-service', value: 1 },
      { at: 1200, name: 'auth-service', value: 1 },
      { at: 1900, name: 'auth-service', value: 0 },
    ];
    const [, row] = account(input('postgresql-down', [], { readiness }));

    expect(row?.readiness).toEqual({
      'order-service': { notReadySeen: true, readyAtEnd: true },
      'auth-service': { notReadySeen: false, readyAtEnd: false },
    });
    expect(row?.violations).toEqual([
      'auth-service stayed ready without its database',
      'auth-service not ready again after the recovery gap',
    ]);
  });
});
