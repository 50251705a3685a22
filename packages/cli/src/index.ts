/**
 * @tracing-demo/cli as a library: what the `tracing-demo` command does, for tests that want to
 * show what Tempo and the pipeline saw when they fail.
 *
 *   const spans = await fetchTrace(tempo.url, traceId);
 *   expect(services(spans), renderTrace(spans)).toContain('payment-service');
 */
export { run } from './cli.js';
export { renderSearch } from './commands/search.js';
export { renderStatus } from './commands/status.js';
export { CliError, UnreachableError, UsageError } from './errors.js';
export type { Io } from './io.js';
export { type RenderOptions, renderTrace } from './render.js';
export {
  type AttributeValue,
  idToHex,
  type OtlpTraceDocument,
  type Span,
  type SpanKind,
  type StatusCode,
  spansFromOtlp,
} from './span.js';
export {
  type CollectorCounters,
  type ComponentStatus,
  type PipelineEndpoints,
  type PipelineStatus,
  pipelineStatus,
} from './status/index.js';
export {
  fetchTrace,
  normalizeTraceId,
  type SearchOptions,
  searchTraces,
  TempoQueryError,
  TraceNotFoundError,
  type TraceSummary,
} from './tempo.js';
export { buildTraceTree, type TraceNode } from './trace-tree.js';
export { ORDER_SERVICES, type WaitForTraceOptions, waitForTrace } from './verify/poll.js';
