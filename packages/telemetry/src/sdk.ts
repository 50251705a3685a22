import { diag } from '@opentelemetry/api';
import { getBooleanFromEnv, getStringFromEnv } from '@opentelemetry/core';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import { createInstrumentations } from './instrumentations.js';
import { defaultServiceName, resourceAttributes } from './resource.js';

export { createInstrumentations };

type RunningSdk = { shutdown(): Promise<void> };

let running: RunningSdk | undefined;

/**
 * Where the SDK would guess otherwise; a set variable wins. Only traces leave the process (the
 * collector derives RED metrics, logs go to stdout), and every span is recorded: tail sampling
 * decides, so no caller's sampled flag can hide its requests from metrics and error traces.
 * The resource is the service's identity (the `service` detector, plus resourceAttributes()):
 * the host and process detectors' 14 attributes, which the collector's tail sampler copies into
 * every trace it holds, cost it 5–10 % of its CPU per span (bench/README.md#findings).
 */
const ENV_DEFAULTS: Record<string, string> = {
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
  OTEL_PROPAGATORS: 'tracecontext,baggage',
  OTEL_TRACES_SAMPLER: 'always_on',
  OTEL_NODE_RESOURCE_DETECTORS: 'service',
};

export function applyEnvDefaults(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(ENV_DEFAULTS)) env[name] ??= value;
  const serviceName = defaultServiceName(env);
  if (serviceName) env.OTEL_SERVICE_NAME = serviceName;
}

/**
 * Whether startNodeSdk would start as a no-op, by its own rule: OTEL_SDK_DISABLED=true, unless
 * OTEL_CONFIG_FILE replaces the environment (then the file decides, and the SDK reads it).
 */
export function sdkDisabled(): boolean {
  if (getStringFromEnv('OTEL_CONFIG_FILE')) return false;
  return getBooleanFromEnv('OTEL_SDK_DISABLED');
}

/**
 * Starts the SDK once; a failure is logged and the service runs untraced, never down. Disabled,
 * nothing is constructed: an instrumentation patches modules as soon as it exists, and a switch
 * that rules tracing out must rule its wrappers out too.
 */
export function startTelemetry(): void {
  if (running) return;
  try {
    applyEnvDefaults();
    if (sdkDisabled()) return;
    running = startNodeSdk({
      instrumentations: createInstrumentations(),
      resourceAttributes: resourceAttributes(),
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
