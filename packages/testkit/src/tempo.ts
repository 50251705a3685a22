import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portOf, retryOnPortClash, spawnManaged, whenReady } from './managed-process.js';
import { freePort } from './ports.js';
import { repoPath, toolPath } from './tools.js';

export interface TempoProcess {
  /** Tempo's HTTP API: /api/traces/<id>, /api/search, /ready, /metrics. */
  url: string;
  /** OTLP/HTTP receiver base URL (POST /v1/traces). */
  otlpHttpUrl: string;
  otlpGrpcEndpoint: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The real Tempo (tools/which.sh tempo) running tempo/tempo.yaml with its blocks and WAL in a
 * temp directory, on free loopback ports unless `env` fixes them. Resolves once /ready is 200.
 */
export function startTempo(
  env: Record<string, string> = {},
  options: { logFile?: string } = {},
): Promise<TempoProcess> {
  return retryOnPortClash(() => startTempoOnce(env, options));
}

async function startTempoOnce(
  env: Record<string, string> = {},
  options: { logFile?: string } = {},
): Promise<TempoProcess> {
  const [http, grpc, otlpGrpc, otlpHttp] = await Promise.all(
    Array.from({ length: 4 }, () => freePort()),
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'tracing-demo-tempo-'));
  const settings: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    TEMPO_HTTP_ADDRESS: '127.0.0.1',
    TEMPO_HTTP_PORT: String(http),
    TEMPO_GRPC_ADDRESS: '127.0.0.1',
    TEMPO_GRPC_PORT: String(grpc),
    TEMPO_OTLP_GRPC_ENDPOINT: `127.0.0.1:${otlpGrpc}`,
    TEMPO_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpHttp}`,
    TEMPO_DATA_DIR: dataDir,
    ...env,
  };
  const tempo = spawnManaged(
    toolPath('tempo'),
    [`-config.file=${repoPath('tempo', 'tempo.yaml')}`, '-config.expand-env=true'],
    // Once it has answered a query in the last 30 s, this Tempo never finishes stopping: its
    // query-frontend's request queue waits for a cleanup tick that has already been stopped
    // (upstream: grafana/tempo pull 7967). Every other module, the ingester with its WAL
    // included, has stopped within a second of SIGTERM, so the wait is 3 s, not 15.
    { env: settings, logFile: options.logFile, stopGraceMs: 3_000 },
  );
  const url = `http://127.0.0.1:${settings.TEMPO_HTTP_PORT}`;
  const stop = async () => {
    await tempo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await whenReady(
      tempo,
      'tempo',
      async () => (await fetch(`${url}/ready`)).status === 200,
      60_000,
    );
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    otlpHttpUrl: `http://127.0.0.1:${portOf(settings.TEMPO_OTLP_HTTP_ENDPOINT as string)}`,
    otlpGrpcEndpoint: `127.0.0.1:${portOf(settings.TEMPO_OTLP_GRPC_ENDPOINT as string)}`,
    output: tempo.output,
    stop,
  };
}
