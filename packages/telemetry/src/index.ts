export { isHealthPath } from './health-paths.js';
export { shutdownTelemetry } from './sdk.js';
export { describeServerSpan } from './server-span.js';
export { annotateServerSpan, inSpan, recordFailure, tracerFor } from './spans.js';
