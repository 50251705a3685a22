/**
 * The whole platform as local processes on loopback (startPlatform of @tracing-demo/platform, from
 * the config files the chart deploys), plus Grafana when a binary is installed. `make local` runs
 * it on the well-known ports: the manifest's for the services, WELL_KNOWN_PORTS for the backends.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type Platform, startPlatform } from '@tracing-demo/platform';
import { type GrafanaProcess, startGrafana } from './grafana.ts';

const GRAFANA_PORT = 3300;

export interface StackOptions {
  /** Where logs (logs/), Jaeger's badger files, the collector's queue and Prometheus' TSDB go. */
  stateDir: string;
  /** 'well-known' for `make local`; 'free' so a second stack never collides with it. */
  ports: 'well-known' | 'free';
  /** Environment for every service (LOADGEN_RATE, PAYMENT_*, …). */
  serviceEnv?: Record<string, string>;
  /** Grafana when a binary is installed (the default); false for a stack nobody looks at. */
  grafana?: boolean;
  progress?: (message: string) => void;
}

export interface LocalStack {
  urls: {
    gateway: string;
    /** Jaeger's query API (and UI). */
    jaeger: string;
    prometheus: string;
    collectorOtlpHttp: string;
    collectorHealth: string;
    collectorMetrics: string;
    collectorTelemetry: string;
    grafana?: string;
    service: Record<string, string>;
  };
  logDir: string;
  /** Why Grafana is not running, when it is not. */
  grafanaSkipped?: string;
  /** The processes themselves, for whoever signals or restarts them (the drill). */
  platform: Platform;
  stop(): Promise<void>;
}

/**
 * The gateway's synthetic-traffic token, as the chart makes it: generated once and kept (here in
 * the state directory, readable by its owner only), so `tracing-demo verify --local` finds it.
 */
export function syntheticToken(stateDir: string): string {
  const file = join(stateDir, 'synthetic-token');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 16) return kept;
  } catch {}
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** How long an ended span may wait in its service's queue before it is exported. */
export const SPAN_EXPORT_DELAY_MS = 500;

/** Starts everything in dependency order; on a failure, stops what already started. */
export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const step = options.progress ?? (() => undefined);
  const logDir = join(options.stateDir, 'logs');
  const platform: Platform = await startPlatform({
    ports: options.ports,
    logDir,
    stateDir: options.stateDir,
    backends: {
      postgresql: 'start',
      rabbitmq: 'start',
      jaeger: {},
      collector: {},
      prometheus: {},
    },
    // The chart's defaults: every span recorded (sampling is the collector's); the gateway
    // trusts loadgen through the token and nobody by network, so a plain curl is an outside
    // caller that gets a new trace and reads its id from the traceresponse header.
    env: {
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_BSP_SCHEDULE_DELAY: String(SPAN_EXPORT_DELAY_MS),
      ...options.serviceEnv,
    },
    syntheticToken: syntheticToken(options.stateDir),
    progress: step,
  });
  const urls = platform.urls as Required<Platform['urls']>;
  let grafana: GrafanaProcess | { skipped: string } = { skipped: 'not asked for' };
  try {
    if (options.grafana !== false)
      grafana = await startGrafana({
        port: options.ports === 'well-known' ? GRAFANA_PORT : await freePort(),
        stateDir: join(options.stateDir, 'grafana'),
        prometheusUrl: urls.prometheus,
        traceStore: 'jaeger',
        tracesUrl: urls.jaeger,
        logFile: join(logDir, 'grafana.log'),
      });
  } catch (error) {
    await platform.stop();
    throw error;
  }
  if ('stop' in grafana) step(`started Grafana on ${grafana.url}`);
  else step(`Grafana not started: ${grafana.skipped}`);

  return {
    urls: {
      gateway: urls.gateway,
      jaeger: urls.jaeger,
      prometheus: urls.prometheus,
      collectorOtlpHttp: urls.collectorOtlpHttp,
      collectorHealth: urls.collectorHealth,
      collectorMetrics: urls.collectorMetrics,
      collectorTelemetry: urls.collectorTelemetry,
      grafana: 'stop' in grafana ? grafana.url : undefined,
      service: urls.service,
    },
    logDir,
    grafanaSkipped: 'skipped' in grafana ? grafana.skipped : undefined,
    platform,
    async stop() {
      if ('stop' in grafana) await grafana.stop().catch(() => undefined);
      await platform.stop();
    },
  };
}
