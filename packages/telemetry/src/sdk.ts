import { diag } from '@opentelemetry/api';
import { getBooleanFromEnv, getStringFromEnv } from '@opentelemetry/core';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import { createInstrumentations } from './instrumentations.js';
import { defaultServiceName, resourceAttributesFromEnv } from './resource.js';

type RunningSdk = { shutdown(): Promise<void> };

let running: RunningSdk | undefined;

/**
 * Defaults for what the services need and the SDK would otherwise guess differently. Every one
 * can be overridden by setting the variable: env is the one source of truth for the SDK.
 * - Only traces leave the process: RED metrics are computed by the collector from spans, and
 *   logs go to stdout, so the SDK's OTLP metrics/logs exporters would only produce errors.
 * - W3C tracecontext + baggage is the propagation the whole platform speaks.
 * - Every span is recorded (always_on): tail sampling in the collector decides what is kept,
 *   after span metrics saw everything. A head sampler (the SDK's default follows the caller's
 *   sampled flag) would let any caller hide its requests from RED metrics and error traces.
 */
const ENV_DEFAULTS: Record<string, string> = {
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_PROPAGATORS: 'tracecontext,baggage',
  OTEL_TRACES_SAMPLER: 'always_on',
  OTEL_SEMCONV_STABILITY_OPT_IN: 'http',
};

export function applyEnvDefaults(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(ENV_DEFAULTS)) env[name] ??= value;
  const serviceName = defaultServiceName(env);
  if (serviceName) env.OTEL_SERVICE_NAME = serviceName;
}

/**
 * Whether the SDK would start as a no-op: the rule of startNodeSdk itself, read with the same
 * helpers. OTEL_CONFIG_FILE, when set, replaces the environment (the SDK reads `disabled` from
 * the file, so that case is left to it); otherwise OTEL_SDK_DISABLED=true disables.
 */
export function sdkDisabled(): boolean {
  if (getStringFromEnv('OTEL_CONFIG_FILE')) return false;
  return getBooleanFromEnv('OTEL_SDK_DISABLED');
}

/**
 * Starts the SDK once. A failure here must never take the service down: it logs and the
 * service runs untraced. Spans go through the SDK's batch processor, whose queue is bounded
 * (OTEL_BSP_MAX_QUEUE_SIZE, 2048 by default): a dead collector drops spans, never blocks.
 *
 * Disabled, nothing is constructed: the SDK checks OTEL_SDK_DISABLED only after it was handed
 * the instrumentations, and constructing one enables it (require/import hooks, diagnostics
 * channel subscriptions, patches on every instrumented module loaded afterwards). Disabled
 * means untouched code, as with no telemetry loaded: the patches cost no measurable CPU
 * (bench/README.md, overhead-candidates `off` against `bare`), but a switch to rule tracing out
 * when chasing a problem must rule the wrappers out too.
 */
export function startTelemetry(): void {
  if (running) return;
  try {
    applyEnvDefaults();
    if (sdkDisabled()) return;
    running = startNodeSdk({
      instrumentations: createInstrumentations(),
      resourceAttributes: resourceAttributesFromEnv(),
    });
  } catch (error) {
    diag.error('tracing-demo telemetry failed to start; continuing without tracing', error);
    console.error('[telemetry] failed to start, continuing without tracing:', error);
  }
}

/** Flushes pending spans and stops exporting. Safe to call when telemetry never started. */
export async function shutdownTelemetry(): Promise<void> {
  const sdk = running;
  running = undefined;
  if (!sdk) return;
  try {
    await sdk.shutdown();
  } catch (error) {
    console.error('[telemetry] shutdown failed, some spans may be lost:', error);
  }
}
