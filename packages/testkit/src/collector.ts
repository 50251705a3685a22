import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OtlpSink, startOtlpSink } from './otlp-sink.js';
import { freePort } from './ports.js';
import { repoPath, toolPath } from './tools.js';
import { waitFor } from './wait.js';

export interface CollectorProcess {
  /** OTLP/HTTP base URL (POST /v1/traces). */
  otlpHttpUrl: string;
  /** OTLP/gRPC host:port. */
  otlpGrpcEndpoint: string;
  /** The prometheus exporter: span metrics and service graph. */
  metricsUrl: string;
  /** The collector's own telemetry. */
  telemetryUrl: string;
  output(): string;
  running(): boolean;
  stop(): Promise<void>;
}

export interface CollectorOptions {
  /** Config files relative to the repository root, merged in order (overlays last). */
  configs: string[];
  env?: Record<string, string>;
  /** Keep the file_storage queue here (to test restarts); a temp dir otherwise. */
  queueDir?: string;
}

/**
 * The project's real collector build (tools/which.sh otelcol) on free loopback ports, running
 * the repository's config files exactly as the chart does, with only ${env:…} values changed.
 */
export async function startCollector(options: CollectorOptions): Promise<CollectorProcess> {
  const [grpc, http, health, metrics, telemetry, zpages, pprof] = await Promise.all(
    Array.from({ length: 7 }, () => freePort()),
  );
  const ownQueue = options.queueDir === undefined;
  const queueDir = options.queueDir ?? mkdtempSync(join(tmpdir(), 'tracing-demo-otelcol-'));
  const env = {
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
  const args = options.configs.flatMap((config) => ['--config', repoPath(config)]);
  const child: ChildProcess = spawn(toolPath('otelcol'), args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = once(child, 'exit');
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (running()) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    if (ownQueue) rmSync(queueDir, { recursive: true, force: true });
  };
  try {
    await waitFor('the collector to report healthy', async () => {
      if (!running()) throw new Error(`otelcol exited with ${child.exitCode}`);
      return (await fetch(`http://127.0.0.1:${health}/`)).status === 200;
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- otelcol output ---\n${output}`);
  }
  return {
    otlpHttpUrl: `http://127.0.0.1:${http}`,
    otlpGrpcEndpoint: `127.0.0.1:${grpc}`,
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
    telemetryUrl: `http://127.0.0.1:${telemetry}/metrics`,
    output: () => output,
    running,
    stop,
  };
}

export interface SamplingCollector {
  collector: CollectorProcess;
  /** Where the collector sends what it samples, in Tempo's place. */
  tempo: OtlpSink;
  stop(): Promise<void>;
}

/** collector/otel-collector.yaml exporting its sampled traces as OTLP/JSON to a sink. */
export async function startSamplingCollector(
  env: Record<string, string> = {},
): Promise<SamplingCollector> {
  const tempo = await startOtlpSink();
  try {
    const collector = await startCollector({
      configs: ['collector/otel-collector.yaml'],
      env: { TEMPO_OTLP_HTTP_ENDPOINT: tempo.url, TEMPO_OTLP_ENCODING: 'json', ...env },
    });
    return {
      collector,
      tempo,
      async stop() {
        await collector.stop();
        await tempo.close();
      },
    };
  } catch (error) {
    await tempo.close();
    throw error;
  }
}
