export {
  type CollectedSpan,
  type OtlpSink,
  SpanKind,
  StatusCode,
  startOtlpSink,
} from './otlp-sink.js';
export { freePort } from './ports.js';
export { createDatabase, type PostgresServer, startPostgres } from './postgres.js';
export { type RabbitMqServer, startRabbitMq } from './rabbitmq.js';
export { type ServiceProcess, startServiceProcess } from './service-process.js';
export { ancestors, renderTree } from './trace-tree.js';
export { waitFor } from './wait.js';
