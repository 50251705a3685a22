import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retryOnPortClash, spawnManaged, whenReady } from './managed-process.js';
import { freePort } from './ports.js';
import { repoPath, toolPath } from './tools.js';

export interface PrometheusProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  port?: number;
  dataDir?: string;
  logFile?: string;
  /** A config derived from prometheus/prometheus.yml (other targets); the source file if unset. */
  configFile?: string;
}

/**
 * The real Prometheus (tools/which.sh prometheus) with prometheus/prometheus.yml and its rules,
 * on a free loopback port unless one is given, its TSDB in `dataDir` or a temp directory.
 */
export function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusProcess> {
  return retryOnPortClash(() => startPrometheusOnce(options));
}

async function startPrometheusOnce(options: PrometheusOptions): Promise<PrometheusProcess> {
  const port = options.port ?? (await freePort());
  const ownData = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tracing-demo-prometheus-'));
  const prometheus = spawnManaged(
    toolPath('prometheus'),
    [
      `--config.file=${options.configFile ?? repoPath('prometheus', 'prometheus.yml')}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { env: { PATH: process.env.PATH ?? '' }, logFile: options.logFile },
  );
  const url = `http://127.0.0.1:${port}`;
  const cleanUp = () => {
    if (ownData) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await whenReady(
      prometheus,
      'prometheus',
      async () => (await fetch(`${url}/-/ready`)).status === 200,
    );
  } catch (error) {
    cleanUp();
    throw error;
  }
  return {
    url,
    output: prometheus.output,
    async stop() {
      await prometheus.stop();
      cleanUp();
    },
  };
}
