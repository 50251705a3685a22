/** What the e2e stack was started with, shared by the setup and the tests. */

export interface StackUrls {
  gateway: string;
  /** The trace store's query API: Jaeger's (api/v3, api/traces, api/metrics). */
  jaeger: string;
  prometheus: string;
  collectorOtlpHttp: string;
  collectorMetrics: string;
  collectorTelemetry: string;
  payment: string;
  /** Every service's own URL by name (its /readyz); the local stack's only. */
  services?: Record<string, string>;
  logDir: string;
}

/** The baseline share of normal traces the e2e collector keeps (SAMPLING_BASELINE_PERCENT). */
export const BASELINE_RATIO = 0.2;
/** The collector's slow threshold (SAMPLING_SLOW_THRESHOLD_MS, default). */
export const SLOW_THRESHOLD_MS = 1000;

/** A user seeded for the e2e run, and a card, whose values must never reach the trace store. */
export const PLANTED = {
  email: 'planted.person@example.org',
  password: 'planted-Passw0rd-5519',
  cardNumber: '4111111111111111',
};
