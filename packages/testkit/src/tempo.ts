import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { repoPath, toolPath } from './tools.js';
import { waitFor } from './wait.js';

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
 * The real Tempo (tools/which.sh tempo) running tempo/tempo.yaml on free loopback ports, with
 * its blocks and WAL in a temp directory. Resolves once /ready answers 200.
 */
export async function startTempo(env: Record<string, string> = {}): Promise<TempoProcess> {
  const [http, grpc, otlpGrpc, otlpHttp] = await Promise.all(
    Array.from({ length: 4 }, () => freePort()),
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'tracing-demo-tempo-'));
  const child: ChildProcess = spawn(
    toolPath('tempo'),
    [`-config.file=${repoPath('tempo', 'tempo.yaml')}`, '-config.expand-env=true'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        TEMPO_HTTP_ADDRESS: '127.0.0.1',
        TEMPO_HTTP_PORT: String(http),
        TEMPO_GRPC_ADDRESS: '127.0.0.1',
        TEMPO_GRPC_PORT: String(grpc),
        TEMPO_OTLP_GRPC_ENDPOINT: `127.0.0.1:${otlpGrpc}`,
        TEMPO_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpHttp}`,
        TEMPO_DATA_DIR: dataDir,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = once(child, 'exit');
  const running = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${http}`;
  const stop = async () => {
    if (running()) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'Tempo to become ready',
      async () => {
        if (!running()) throw new Error(`tempo exited with ${child.exitCode}`);
        return (await fetch(`${url}/ready`)).status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- tempo output ---\n${output.slice(-4000)}`);
  }
  return {
    url,
    otlpHttpUrl: `http://127.0.0.1:${otlpHttp}`,
    otlpGrpcEndpoint: `127.0.0.1:${otlpGrpc}`,
    output: () => output,
    stop,
  };
}
