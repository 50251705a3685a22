import { type Static, Type } from 'typebox';

const Count = Type.Integer({ minimum: 0 });

export const LatencySummary = Type.Object({
  /** Samples behind the percentiles (all of them, or a uniform reservoir once there are many). */
  count: Count,
  p50: Type.Number(),
  p90: Type.Number(),
  p99: Type.Number(),
  max: Type.Number(),
});

export const OperationReport = Type.Object({
  /** Requests sent and finished (in-flight ones count once they end): each has one outcome below. */
  sent: Count,
  ok: Count,
  /** 4xx, the expected 402 declines included. */
  clientErrors: Count,
  serverErrors: Count,
  /** No response: refused, reset, timed out or aborted at shutdown. */
  networkErrors: Count,
  /** Not sent: the concurrency cap was reached when the tick came. */
  shed: Count,
  /** Not sent: the user could not log in. */
  notLoggedIn: Count,
  /** Responses by HTTP status code. */
  statuses: Type.Record(Type.String(), Count),
  /** Request latency, response body included; null before the first response. */
  latencyMs: Type.Union([LatencySummary, Type.Null()]),
});

export const Report = Type.Object({
  kind: Type.Literal('loadgen.report'),
  /** idle: not started; stopping: no new ticks, waiting for those in flight. */
  state: Type.Union([
    Type.Literal('idle'),
    Type.Literal('running'),
    Type.Literal('stopping'),
    Type.Literal('finished'),
  ]),
  /** null until started. */
  startedAt: Type.Union([Type.String(), Type.Null()]),
  elapsedSeconds: Type.Number(),
  rate: Type.Object({
    configured: Type.Number(),
    /** Operations started per second of scheduling: below `configured` only when ticks shed. */
    achieved: Type.Number(),
  }),
  ticks: Type.Object({ scheduled: Count, started: Count, shed: Count }),
  inFlight: Count,
  /** 201s to POST /api/orders: one row each in order-service's database. */
  ordersCreated: Count,
  operations: Type.Object({
    login: OperationReport,
    place: OperationReport,
    list: OperationReport,
    get: OperationReport,
  }),
  totals: Type.Object({
    sent: Count,
    ok: Count,
    clientErrors: Count,
    serverErrors: Count,
    networkErrors: Count,
  }),
});

export type LatencySummary = Static<typeof LatencySummary>;
export type OperationReport = Static<typeof OperationReport>;
export type Report = Static<typeof Report>;
