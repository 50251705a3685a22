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

export interface JaegerProcess {
  /** The query service's HTTP API: /api/v3/traces/<id>, /api/traces, /api/services. */
  url: string;
  /** The query service's gRPC API (host:port). */
  queryGrpcEndpoint: string;
  /** OTLP/HTTP receiver base URL (POST /v1/traces). */
  otlpHttpUrl: string;
  otlpGrpcEndpoint: string;
  /** Jaeger's own Prometheus metrics (GET /metrics). */
  metricsUrl: string;
  /** The health check (GET /status). */
  healthUrl: string;
  /** Where badger keeps its files; kept across a restart with `startJaeger({ dataDir })`. */
  dataDir: string;
  /** The process, to stop and start again on the same ports and badger files (a drill). */
  process: RestartableProcess;
  output(): string;
  stop(): Promise<void>;
}

export interface JaegerOptions {
  /** Extra or overriding environment for jaeger/jaeger.yaml (JAEGER_STORAGE=memory, …). */
  env?: Record<string, string>;
  logFile?: string;
  /** Reuse a badger directory (a restart); it is then left in place on stop. */
  dataDir?: string;
}

/**
 * The real Jaeger v2 (tools/which.sh jaeger) running jaeger/jaeger.yaml with badger in a temp
 * directory, on free loopback ports unless `env` fixes them. Resolves once its health check
 * answers 200.
 */
export function startJaeger(options: JaegerOptions = {}): Promise<JaegerProcess> {
  return retryOnPortClash(() => startJaegerOnce(options));
}

async function startJaegerOnce(options: JaegerOptions): Promise<JaegerProcess> {
  const [queryHttp, queryGrpc, otlpGrpc, otlpHttp, metrics, health] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  );
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tracing-demo-jaeger-'));
  const settings: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    JAEGER_QUERY_HTTP_ENDPOINT: `127.0.0.1:${queryHttp}`,
    JAEGER_QUERY_GRPC_ENDPOINT: `127.0.0.1:${queryGrpc}`,
    JAEGER_OTLP_GRPC_ENDPOINT: `127.0.0.1:${otlpGrpc}`,
    JAEGER_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpHttp}`,
    JAEGER_METRICS_HOST: '127.0.0.1',
    JAEGER_METRICS_PORT: String(metrics),
    JAEGER_HEALTH_ENDPOINT: `127.0.0.1:${health}`,
    JAEGER_DATA_DIR: dataDir,
    ...options.env,
  };
  const removeDataDir = () => {
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const healthUrl = `http://${settings.JAEGER_HEALTH_ENDPOINT}/status`;
  let jaeger: RestartableProcess;
  try {
    jaeger = await restartable(async () => {
      const started = spawnManaged(
        toolPath('jaeger'),
        [`--config=file:${repoPath('jaeger', 'jaeger.yaml')}`],
        { env: settings, logFile: options.logFile },
      );
      const healthy = async () => (await fetch(healthUrl)).status === 200;
      await whenReady(started, 'jaeger', healthy, 60_000);
      return started;
    });
  } catch (error) {
    removeDataDir();
    throw error;
  }
  return {
    url: `http://${settings.JAEGER_QUERY_HTTP_ENDPOINT}`,
    queryGrpcEndpoint: settings.JAEGER_QUERY_GRPC_ENDPOINT as string,
    otlpHttpUrl: `http://127.0.0.1:${portOf(settings.JAEGER_OTLP_HTTP_ENDPOINT as string)}`,
    otlpGrpcEndpoint: `127.0.0.1:${portOf(settings.JAEGER_OTLP_GRPC_ENDPOINT as string)}`,
    metricsUrl: `http://${settings.JAEGER_METRICS_HOST}:${settings.JAEGER_METRICS_PORT}/metrics`,
    healthUrl,
    dataDir,
    process: jaeger,
    output: jaeger.output,
    stop: async () => {
      await jaeger.stop();
      removeDataDir();
    },
  };
}
