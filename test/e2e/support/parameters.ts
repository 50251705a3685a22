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
  /** The gateway's SYNTHETIC_TOKEN, when the stack gives it one. */
  syntheticToken?: string;
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

/**
 * The local stack's synthetic-traffic token: the fuzz sends it with part of its requests, whose
 * traces the tail sampler then keeps (its `synthetic` policy) for the search for planted values.
 */
export const SYNTHETIC_TOKEN = 'e2e-synthetic-token-4417-never-in-a-span';
