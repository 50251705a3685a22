// Moved to @tracing-demo/platform; re-exported until the imports are rewritten.
export {
  type CollectorOptions,
  type CollectorProcess,
  createDatabase,
  freePort,
  type JaegerOptions,
  type JaegerProcess,
  type ManagedProcess,
  type PostgresServer,
  type PrometheusOptions,
  type PrometheusProcess,
  type RabbitMqServer,
  repoPath,
  type ServiceProcess,
  spawnManaged,
  startCollector,
  startJaeger,
  startPostgres,
  startPrometheus,
  startRabbitMq,
  startServiceProcess,
  toolPath,
  waitFor,
  whenReady,
} from '@tracing-demo/platform';
export { type CollectedSpan, type OtlpSink, startOtlpSink } from './otlp-sink.js';
export { type SamplingCollector, startSamplingCollector } from './sampling-collector.js';
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
