import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  portOf,
  type RestartableProcess,
  restartable,
  retryOnPortClash,
  spawnManaged,
  whenReady,
} from './managed-process.js';
import { freePort } from './ports.js';
import { repoPath, toolPath } from './tools.js';

export interface CollectorProcess {
  /** OTLP/HTTP base URL (POST /v1/traces). */
  otlpHttpUrl: string;
  /** OTLP/gRPC host:port. */
  otlpGrpcEndpoint: string;
  /** The prometheus exporter: span metrics and service graph. */
  metricsUrl: string;
  /** The collector's own telemetry. */
  telemetryUrl: string;
  /** The health check (GET, 200 when up). */
  healthUrl: string;
  /** The process, to signal, stop and start again on the same ports and queue (a drill). */
  process: RestartableProcess;
  output(): string;
  running(): boolean;
  stop(): Promise<void>;
}

export interface CollectorOptions {
  /** Config files relative to the repository root, merged in order (overlays last). */
  configs: string[];
  /** Overrides; the OTELCOL_*_ENDPOINT/PORT values default to free loopback ports. */
  env?: Record<string, string>;
  /** Keep the file_storage queue here (to test restarts); a temp dir otherwise. */
  queueDir?: string;
  logFile?: string;
}

/**
 * The project's real collector build (tools/which.sh otelcol) running the repository's config
 * files exactly as the chart does, with only ${env:…} values changed: free loopback ports unless
 * the caller fixes them.
 */
export function startCollector(options: CollectorOptions): Promise<CollectorProcess> {
  return retryOnPortClash(() => startCollectorOnce(options));
}

async function startCollectorOnce(options: CollectorOptions): Promise<CollectorProcess> {
  const [grpc, http, health, metrics, telemetry, zpages, pprof] = await Promise.all(
    Array.from({ length: 7 }, () => freePort()),
  );
  const ownQueue = options.queueDir === undefined;
  const queueDir = options.queueDir ?? mkdtempSync(join(tmpdir(), 'tracing-demo-otelcol-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    OTELCOL_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
    OTELCOL_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
    OTELCOL_HEALTH_ENDPOINT: `127.0.0.1:${health}`,
    OTELCOL_PROMETHEUS_ENDPOINT: `127.0.0.1:${metrics}`,
    OTELCOL_TELEMETRY_HOST: '127.0.0.1',
    OTELCOL_TELEMETRY_PORT: String(telemetry),
    OTELCOL_ZPAGES_ENDPOINT: `127.0.0.1:${zpages}`,
    OTELCOL_PPROF_ENDPOINT: `127.0.0.1:${pprof}`,
    OTELCOL_QUEUE_DIR: queueDir,
    ...options.env,
  };
  const at = (name: string) => `127.0.0.1:${portOf(env[name] as string)}`;
  const args = options.configs.flatMap((config) => ['--config', repoPath(config)]);
  const collector = await restartable(async () => {
    const started = spawnManaged(toolPath('otelcol'), args, { env, logFile: options.logFile });
    await whenReady(
      started,
      'otelcol',
      async () => (await fetch(`http://${at('OTELCOL_HEALTH_ENDPOINT')}/`)).status === 200,
    );
    return started;
  });
  return {
    otlpHttpUrl: `http://${at('OTELCOL_OTLP_HTTP_ENDPOINT')}`,
    otlpGrpcEndpoint: at('OTELCOL_OTLP_GRPC_ENDPOINT'),
    metricsUrl: `http://${at('OTELCOL_PROMETHEUS_ENDPOINT')}/metrics`,
    telemetryUrl: `http://127.0.0.1:${env.OTELCOL_TELEMETRY_PORT}/metrics`,
    healthUrl: `http://${at('OTELCOL_HEALTH_ENDPOINT')}`,
    process: collector,
    output: collector.output,
    running: collector.running,
    async stop() {
      await collector.stop();
      if (ownQueue) rmSync(queueDir, { recursive: true, force: true });
    },
  };
}
