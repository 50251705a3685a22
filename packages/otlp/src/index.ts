export { type LegacyTrace, spansFromLegacy } from './jaeger-legacy.js';
export {
  counter,
  parsePrometheusText,
  type Sample,
  scrape,
  sumOf,
} from './prometheus-text.js';
export {
  type AttributeValue,
  idToHex,
  type OtlpTraceDocument,
  type Span,
  type SpanEvent,
  SpanKind,
  type SpanLink,
  StatusCode,
  spanKindNumber,
  spansFromOtlp,
} from './span.js';
export {
  ancestors,
  buildTraceTree,
  renderTree,
  type TraceNode,
  type TreeRow,
  walkTree,
} from './trace-tree.js';
