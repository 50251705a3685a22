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
