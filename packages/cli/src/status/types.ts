/** Where the pipeline's parts answer. */
export interface PipelineEndpoints {
  /** The collector's health_check extension (`/`). */
  collectorHealth: string;
  /** The collector's own telemetry (`/metrics`, :8888). */
  collectorMetrics: string;
  /** Tempo's HTTP API (`/ready`, `/metrics`). */
  tempo: string;
  /** Prometheus' HTTP API (`/-/ready`, `/api/v1/alerts`, `/api/v1/targets`). */
  prometheus: string;
}

export interface ComponentStatus {
  name: 'collector' | 'tempo' | 'prometheus';
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
  /** Spans its trace exporters sent to Tempo / failed to send. */
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
  tempo?: { spansReceived: number; spansDiscarded: number };
  prometheus?: { targets: PrometheusTarget[]; alerts: PrometheusAlert[] };
  /** Spans exported to Tempo / spans the collector received, since it started. */
  keptRatio?: number;
  /** Things that are wrong while the components are up: firing alerts, down targets, … */
  warnings: string[];
}

/** The message of anything thrown. */
export const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

export const trimSlash = (url: string) => url.replace(/\/+$/, '');
