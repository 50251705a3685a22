export { type HttpClientSpan, startHttpClientSpan } from './client-span.js';
export { isHealthPath } from './health-paths.js';
export { type AmqpMessage, inProcessSpan, startPublishSpan } from './messaging.js';
export {
  type Admission,
  describeAdmission,
  type EdgeTrust,
  parseCidr,
  SYNTHETIC_TOKEN_HEADER,
  TraceEdge,
  traceresponse,
} from './public-edge.js';
export { resourceAttributes } from './resource.js';
export { shutdownTelemetry } from './sdk.js';
export { describeServerSpan } from './server-span.js';
export {
  annotateServerSpan,
  inSpan,
  outsideTrace,
  recordFailure,
  traceIdsForLog,
  tracerFor,
} from './spans.js';
