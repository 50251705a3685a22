/**
 * The project's collector (testkit's startCollector: the real binary, the repository's config,
 * the chart's default settings) plus what the benchmarks need on top: its pid (CPU, RSS,
 * pinning) and its own counters.
 */
import { execFileSync } from 'node:child_process';
import { type Sample, scrape, sumOf } from '@tracing-demo/otlp';
import { type CollectorProcess, repoPath, startCollector, toolPath } from '@tracing-demo/platform';
import { parseAllDocuments } from 'yaml';
import { pidListeningOn, pinProcess } from './proc.ts';

export interface BenchCollector {
  collector: CollectorProcess;
  pid: number;
  counters(): Promise<CollectorCounters>;
  stop(): Promise<void>;
}

/** The collector's own telemetry (:8888), the names this build exports (no _total suffix). */
export interface CollectorCounters {
  accepted: number;
  refused: number;
  failed: number;
  /** Spans the memory limiter let through. */
  limiterAccepted: number;
  exported: number;
  exportFailed: number;
  tracesSampled: number;
  tracesNotSampled: number;
  droppedTooEarly: number;
  tracesInMemory: number;
  cpuSeconds: number;
  rssBytes: number;
  heapAllocBytes: number;
  /** Decision ticker latency histogram: sum and count (ms). */
  decisionLatencySumMs: number;
  decisionLatencyCount: number;
  samples: Sample[];
}

export function countersFrom(samples: Sample[]): CollectorCounters {
  const sum = (name: string, labels: Record<string, string> = {}) => sumOf(samples, name, labels);
  return {
    accepted: sum('otelcol_receiver_accepted_spans'),
    refused: sum('otelcol_receiver_refused_spans'),
    failed: sum('otelcol_receiver_failed_spans'),
    limiterAccepted: sum('otelcol_processor_memory_limiter_accepted_spans'),
    exported: sum('otelcol_exporter_sent_spans'),
    exportFailed: sum('otelcol_exporter_send_failed_spans'),
    tracesSampled: sum('otelcol_processor_tail_sampling_global_count_traces_sampled', {
      sampled: 'true',
    }),
    tracesNotSampled: sum('otelcol_processor_tail_sampling_global_count_traces_sampled', {
      sampled: 'false',
    }),
    droppedTooEarly: sum('otelcol_processor_tail_sampling_sampling_trace_dropped_too_early'),
    tracesInMemory: sum('otelcol_processor_tail_sampling_sampling_traces_on_memory'),
    cpuSeconds: sum('otelcol_process_cpu_seconds'),
    rssBytes: sum('otelcol_process_memory_rss'),
    heapAllocBytes: sum('otelcol_process_runtime_heap_alloc_bytes'),
    decisionLatencySumMs: sum(
      'otelcol_processor_tail_sampling_sampling_decision_timer_latency_sum',
    ),
    decisionLatencyCount: sum(
      'otelcol_processor_tail_sampling_sampling_decision_timer_latency_count',
    ),
    samples,
  };
}

/**
 * What the chart gives the collector with its default values: memory_limiter's limits, GOMEMLIMIT
 * and GOGC (from `collector.resources.limits.memory`), the tail-sampling and span-metrics
 * settings. The benchmarks run the collector as it is deployed.
 */
const CHART_COLLECTOR_VARIABLES = [
  'OTELCOL_MEMORY_LIMIT_MIB',
  'OTELCOL_MEMORY_SPIKE_LIMIT_MIB',
  'GOMEMLIMIT',
  'GOGC',
  'SAMPLING_BASELINE_PERCENT',
  'SAMPLING_SLOW_THRESHOLD_MS',
  'SAMPLING_WAIT_AFTER_ROOT',
  'SAMPLING_DECISION_WAIT',
  'SAMPLING_NUM_TRACES',
  'SAMPLING_EXPECTED_TRACES_PER_SEC',
  'SAMPLING_DECISION_CACHE_SIZE',
  'SPAN_METRICS_FLUSH_INTERVAL',
  'SPAN_METRICS_CARDINALITY_LIMIT',
];

type EnvList = { name: string; value?: string }[];
interface Manifest {
  kind?: string;
  metadata?: { name?: string };
  spec?: { template: { spec: { containers: { env?: EnvList }[] } } };
}

/** `helm template` of one chart template with the default values, as YAML documents. */
function renderChart(template: string): Manifest[] {
  const rendered = execFileSync(
    toolPath('helm'),
    ['template', 'bench', repoPath('charts/tracing-demo'), '--show-only', template],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return parseAllDocuments(rendered).map((document) => document.toJS());
}

function pick(env: EnvList, names: string[], what: string): Record<string, string> {
  return Object.fromEntries(
    names.map((name) => {
      const value = env.find((variable) => variable.name === name)?.value;
      if (value === undefined) throw new Error(`the chart's ${what} sets no ${name}`);
      return [name, value];
    }),
  );
}

let chartCollector: Record<string, string> | undefined;

/** The collector's settings from the chart's defaults (CHART_COLLECTOR_VARIABLES). */
export function chartCollectorEnv(): Record<string, string> {
  chartCollector ??= pick(
    renderChart('templates/collector/deployment.yaml')[0]?.spec?.template.spec.containers[0]?.env ??
      [],
    CHART_COLLECTOR_VARIABLES,
    'collector',
  );
  return chartCollector;
}

/** The SDK's export delay the chart gives the services (serviceDefaults.bspScheduleDelayMs). */
export function chartServiceSdkEnv(): Record<string, string> {
  const gateway = renderChart('templates/services/component.yaml').find(
    (document) =>
      document.kind === 'Deployment' && document.metadata?.name?.endsWith('api-gateway'),
  );
  return pick(
    gateway?.spec?.template.spec.containers[0]?.env ?? [],
    ['OTEL_BSP_SCHEDULE_DELAY'],
    'api-gateway',
  );
}

export async function startBenchCollector(options: {
  /** The trace store's OTLP/HTTP base URL (Jaeger's receiver or a null sink). */
  tracesUrl: string;
  encoding?: 'proto' | 'json';
  /** Overlay files (repository-relative) merged after collector/otel-collector.yaml. */
  overlays?: string[];
  env?: Record<string, string>;
  /** Pin every thread to these CPUs (taskset -a -p -c), e.g. "1". */
  cpus?: string;
  logFile?: string;
}): Promise<BenchCollector> {
  const collector = await startCollector({
    configs: ['collector/otel-collector.yaml', ...(options.overlays ?? [])],
    env: {
      TRACES_OTLP_HTTP_ENDPOINT: options.tracesUrl,
      TRACES_OTLP_ENCODING: options.encoding ?? 'proto',
      ...chartCollectorEnv(),
      ...options.env,
    },
    logFile: options.logFile,
  });
  const pid = pidListeningOn(Number(new URL(collector.telemetryUrl).port));
  if (options.cpus) pinProcess(pid, options.cpus);
  return {
    collector,
    pid,
    counters: async () => countersFrom(await scrape(collector.telemetryUrl)),
    stop: () => collector.stop(),
  };
}
