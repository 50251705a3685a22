export {
  type CollectorOptions,
  type CollectorProcess,
  type SamplingCollector,
  startCollector,
  startSamplingCollector,
} from './collector.js';
export { type JaegerOptions, type JaegerProcess, startJaeger } from './jaeger.js';
export { type ManagedProcess, spawnManaged, whenReady } from './managed-process.js';
export {
  type CollectedSpan,
  type OtlpSink,
  SpanKind,
  StatusCode,
  startOtlpSink,
} from './otlp-sink.js';
export { freePort } from './ports.js';
export { createDatabase, type PostgresServer, startPostgres } from './postgres.js';
export { type PrometheusOptions, type PrometheusProcess, startPrometheus } from './prometheus.js';
export { type Sample, scrape, sumOf } from './prometheus-text.js';
export { type RabbitMqServer, startRabbitMq } from './rabbitmq.js';
export { type ServiceProcess, startServiceProcess } from './service-process.js';
export {
  lateChild,
  newSpanId,
  newTraceId,
  postTraces,
  type SyntheticSpan,
  sendSpans,
  syntheticTrace,
  TOPOLOGY,
} from './synthetic-traces.js';
export { repoPath, toolPath } from './tools.js';
export { ancestors, renderTree } from './trace-tree.js';
export { waitFor } from './wait.js';
