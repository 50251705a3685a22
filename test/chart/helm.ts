import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { repoPath, toolPath } from '@tracing-demo/platform';
import { parseAllDocuments } from 'yaml';

export const CHART = repoPath('charts/tracing-demo');

/** Namespace and release every render uses, so names in assertions are predictable. */
export const RELEASE = 'demo';
export const NAMESPACE = 'tracing';
export const FULLNAME = `${RELEASE}-tracing-demo`;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (never rejects): exit code and both streams, stdin from `input`. */
export function run(
  command: string,
  args: string[],
  options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoPath(),
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    // A program that exits without reading its input closes the pipe first; its exit code and
    // output say what happened, so the write's EPIPE is no error of its own.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The project's Helm (with the helm-unittest plugin, tools/which.sh). HELM_PLUGINS is left to
 * the wrapper: inherited from `eval "$(tools/which.sh --env)"` it would name the plugin twice.
 */
export function helm(args: string[], options: { input?: string } = {}): Promise<RunResult> {
  const { HELM_PLUGINS: _inherited, ...env } = process.env;
  return run(toolPath('helm'), args, { ...options, env });
}

/** Helm's notes on stderr that are not problems: it follows the chart's links to the config files. */
export function helmErrors(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !/found symbolic link in path/.test(line))
    .join('\n');
}

/** The ci/*-values.yaml scenarios, as [name, values file relative to the repository]. */
export function ciScenarios(): [string, string][] {
  return readdirSync(repoPath('charts/tracing-demo/ci'))
    .filter((file) => file.endsWith('-values.yaml'))
    .sort()
    .map((file) => [file, `charts/tracing-demo/ci/${file}`]);
}

/** Defaults plus every ci scenario, as [name, extra helm args]. */
export function allScenarios(): [string, string[]][] {
  return [
    ['defaults', []],
    ...ciScenarios().map(([name, file]): [string, string[]] => [name, ['-f', file]]),
  ];
}

/** `helm template` of the chart (or a copy of it); rejects with Helm's message when rendering fails. */
export async function template(
  args: string[] = [],
  chart = 'charts/tracing-demo',
): Promise<string> {
  const result = await helm(['template', RELEASE, chart, '--namespace', NAMESPACE, ...args]);
  if (result.code !== 0) throw new Error(helmErrors(result.stderr) || `helm exited ${result.code}`);
  return result.stdout;
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects of every kind
  spec?: any;
}

export function manifests(rendered: string): Manifest[] {
  return parseAllDocuments(rendered)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

export async function render(args: string[] = [], chart?: string): Promise<Manifest[]> {
  return manifests(await template(args, chart));
}

/**
 * The Prometheus Operator's kinds are CRDs, which the offline Kubernetes schemas do not have:
 * kubeconform skips exactly those two kinds.
 */
export const CRD_KINDS = ['ServiceMonitor', 'PrometheusRule'];

/** `kubeconform -strict -summary` of rendered manifests (the wrapper adds the offline schemas and -kubernetes-version 1.35.0). */
export function kubeconform(rendered: string): Promise<RunResult> {
  return run(toolPath('kubeconform'), ['-strict', '-summary', '-skip', CRD_KINDS.join(',')], {
    input: rendered,
  });
}

export function find(all: Manifest[], kind: string, name: string): Manifest {
  const found = all.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered chart`);
  return found;
}

/** Kinds whose objects run pods, with their pod template. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job', 'DaemonSet'];
