import type { TracesBackend } from '../stores/index.js';

/** Where the pipeline's parts answer. */
export interface PipelineEndpoints {
  /** The collector's health_check extension (`/`). */
  collectorHealth: string;
  /** The collector's own telemetry (`/metrics`, :8888). */
  collectorMetrics: string;
  /** The trace store's query API: Jaeger's (`:16686`) or Tempo's (`:3200`). */
  traces: string;
  /** Which store it is; detected from its answers when unset. */
  tracesBackend?: TracesBackend;
  /**
   * The store's own metrics: Jaeger serves them on a port of their own (`:14269/metrics` on the
   * traces URL's host when unset), Tempo beside its API (`<traces>/metrics` when unset).
   */
  tracesMetrics?: string;
  /** Prometheus' HTTP API (`/-/ready`, `/api/v1/alerts`, `/api/v1/targets`). */
  prometheus: string;
}

export interface ComponentStatus {
  /** The trace store's row is named after its backend, `traces` while that is unknown. */
  name: 'collector' | 'jaeger' | 'tempo' | 'trace store' | 'prometheus';
  /** The URL shown for it: the health or readiness endpoint's base. */
  url: string;
  up: boolean;
  /** Why it is down. */
  problem?: string;
  /** Short facts for the table, e.g. `ready`, `spans received 12`. */
  details: string[];
}

/** The collector's counters since it started (its own telemetry). */
export interface CollectorCounters {
  /** Spans the OTLP receivers accepted / refused (memory_limiter). */
  spansReceived: number;
  spansRefused: number;
  /** Spans its trace exporters sent to the trace store / failed to send. */
  spansExported: number;
  spansExportFailed: number;
  /** Batches waiting in the exporter's (persistent) sending queue. */
  queueSize: number | undefined;
  /** Tail sampling decisions, and which policies kept traces (a trace can match several). */
  tracesKept: number;
  tracesDropped: number;
  keptByPolicy: Record<string, number>;
  decidedTooEarly: number;
}

/** The trace store's own counters since it started. */
export interface TraceStoreCounters {
  backend: TracesBackend;
  /** Spans it accepted (Jaeger's OTLP receiver, Tempo's distributor). */
  spansReceived: number;
  /**
   * Spans it lost: Jaeger's receiver refused them or its storage write failed; Tempo
   * discarded them (rate limits, live traces, …).
   */
  spansLost: number;
}

export interface PrometheusTarget {
  job: string;
  instance: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface PrometheusAlert {
  name: string;
  state: 'firing' | 'pending' | 'inactive';
  severity: string;
  summary: string;
}

export interface PipelineStatus {
  /** Every component is up. */
  ok: boolean;
  components: ComponentStatus[];
  collector?: CollectorCounters;
  traceStore?: TraceStoreCounters;
  prometheus?: { targets: PrometheusTarget[]; alerts: PrometheusAlert[] };
  /** Spans exported to the trace store / spans the collector received, since it started. */
  keptRatio?: number;
  /** Things that are wrong while the components are up: firing alerts, down targets, … */
  warnings: string[];
}

/** The message of anything thrown. */
export const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

export const trimSlash = (url: string) => url.replace(/\/+$/, '');
