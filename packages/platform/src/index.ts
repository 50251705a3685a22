export { type CollectorOptions, type CollectorProcess, startCollector } from './collector.js';
export { type JaegerOptions, type JaegerProcess, startJaeger } from './jaeger.js';
export {
  type ManagedProcess,
  type RestartableProcess,
  restartable,
  spawnManaged,
  whenReady,
} from './managed-process.js';
export {
  ENV,
  type Exposure,
  loadManifest,
  MANIFEST_FILE,
  type Manifest,
  parseManifest,
  type ServiceSpec,
} from './manifest.js';
export {
  type Outage,
  type Platform,
  type PlatformOptions,
  startPlatform,
  WELL_KNOWN_PORTS,
} from './platform.js';
export { freePort } from './ports.js';
export { createDatabase, type PostgresServer, startPostgres } from './postgres.js';
export { type PrometheusOptions, type PrometheusProcess, startPrometheus } from './prometheus.js';
export {
  type PrometheusSettings,
  prometheusConfig,
  TRACE_STORES,
  type TraceStoreName,
} from './prometheus-config.js';
export { type RabbitMqServer, startRabbitMq } from './rabbitmq.js';
export {
  type ServiceProcess,
  type ServiceProcessOptions,
  startServiceProcess,
} from './service-process.js';
export { repoPath, toolPath } from './tools.js';
export { waitFor } from './wait.js';
