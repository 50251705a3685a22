/** The machine and the versions a result was measured with, recorded in every result file. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { toolPath } from '@tracing-demo/platform';
import { loadAverage } from './proc.ts';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  otelcol: string;
  /** The trace store's version; result files from before Jaeger have `tempo` instead. */
  jaeger?: string;
  tempo?: string;
  sdk: Record<string, string>;
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split('\n')[0] as string;
  } catch {
    return 'unknown';
  }
}

function packageVersion(name: string): string {
  try {
    const path = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function toolVersion(name: string, args: string[]): string {
  try {
    return run(toolPath(name), args);
  } catch {
    return 'not built';
  }
}

/** `jaeger version` prints {"gitCommit":…,"gitVersion":…} on stdout. */
function jaegerVersion(): string {
  const printed = toolVersion('jaeger', ['version']);
  try {
    const { gitVersion, gitCommit } = JSON.parse(printed) as Record<string, string>;
    return `${gitVersion} (module ${gitCommit})`;
  } catch {
    return printed;
  }
}

export function machineInfo(): MachineInfo {
  const model = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return {
    nproc: Number(run('nproc', [])) || availableParallelism(),
    cpuModel: model?.[1]?.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: run('uname', ['-r']),
    node: process.version,
    otelcol: toolVersion('otelcol', ['--version']),
    jaeger: jaegerVersion(),
    sdk: Object.fromEntries(
      [
        '@opentelemetry/sdk-node',
        '@opentelemetry/sdk-trace',
        '@fastify/otel',
        // The stock register `overhead` compares with, and the SDK it brings along.
        '@opentelemetry/auto-instrumentations-node',
        '@opentelemetry/auto-instrumentations-node/node_modules/@opentelemetry/sdk-node',
        'autocannon',
        'fastify',
      ].map((name) => [name, packageVersion(name)]),
    ),
  };
}

export interface LoadSample {
  at: string;
  loadavg: [number, number, number];
}

export const loadSample = (): LoadSample => ({
  at: new Date().toISOString(),
  loadavg: loadAverage(),
});
