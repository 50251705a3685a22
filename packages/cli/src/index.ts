/**
 * @tracing-demo/cli as a library: what the `tracing-demo` command does, for tests that want to
 * show what the trace store (Jaeger or Tempo) and the pipeline saw when they fail.
 *
 *   const store = traceStore(jaeger.url, 'jaeger');
 *   const spans = await store.fetchTrace(traceId);
 *   expect(services(spans), renderTrace(spans)).toContain('payment-service');
 */
export { run } from './cli.js';
export { renderSearch } from './commands/search.js';
export { renderStatus } from './commands/status.js';
export { CliError, UnreachableError, UsageError } from './errors.js';
export type { Io } from './io.js';
export { type RenderOptions, renderTrace } from './render.js';
export {
  type CollectorCounters,
  type ComponentStatus,
  type PipelineEndpoints,
  type PipelineStatus,
  pipelineStatus,
  type TraceStoreCounters,
} from './status/index.js';
export * from './stores/index.js';
export { ORDER_SERVICES, type WaitForTraceOptions, waitForTrace } from './verify/poll.js';
