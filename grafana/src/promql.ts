/**
 * PromQL fragments for the span metrics the collector's span_metrics connector emits. Kept in one
 * place so every panel agrees on what a "request" and an "error" are.
 */

/**
 * A request is an entry span: SERVER for HTTP, CONSUMER for the fulfillment-worker's messages.
 * Counting CLIENT/INTERNAL spans too would count one request once per hop.
 */
export const ENTRY_SPANS = 'span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"';
export const ERROR = 'status_code="STATUS_CODE_ERROR"';

const CALLS = 'traces_span_metrics_calls_total';
const DURATION_BUCKET = 'traces_span_metrics_duration_seconds_bucket';

const matchers = (...parts: string[]) => parts.filter((part) => part !== '').join(', ');

/** Requests per second, summed by `by`. */
export function requestRate(selector: string, by: string): string {
  return `sum by (${by}) (rate(${CALLS}{${matchers(ENTRY_SPANS, selector)}}[$__rate_interval]))`;
}

/**
 * Share of requests that ended in an error. `or … * 0` turns "no errors" into 0 instead of an
 * empty panel, which an on-call engineer would misread as "no data".
 */
export function errorRatio(selector: string, by: string): string {
  const errors = `sum by (${by}) (rate(${CALLS}{${matchers(ENTRY_SPANS, ERROR, selector)}}[$__rate_interval]))`;
  return `(${errors} or ${requestRate(selector, by)} * 0) / ${requestRate(selector, by)}`;
}

/** Latency quantile (seconds) of entry spans from the span-metrics histogram. */
export function latencyQuantile(quantile: number, selector: string, by: string): string {
  const grouping = by === '' ? 'le' : `le, ${by}`;
  return `histogram_quantile(${quantile}, sum by (${grouping}) (rate(${DURATION_BUCKET}{${matchers(ENTRY_SPANS, selector)}}[$__rate_interval])))`;
}
