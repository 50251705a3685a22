import { parseUrl } from './args.js';
import { UsageError } from './errors.js';
import type { PipelineEndpoints } from './status/index.js';
import { TRACES_BACKENDS, type TracesBackend } from './stores/index.js';

/**
 * Each endpoint: its flag, its environment variable, and the local stack's well-known port.
 * `default` undefined: derived from another endpoint (`defaultText` says how).
 */
export const ENDPOINTS = {
  traces: { flag: '--traces-url', env: 'TRACES_URL', default: 'http://127.0.0.1:16686' },
  tracesMetrics: {
    flag: '--traces-metrics',
    env: 'TRACES_METRICS_URL',
    default: undefined,
    defaultText: "Jaeger: :14269/metrics on the traces URL's host; Tempo: <traces URL>/metrics",
  },
  prometheus: { flag: '--prometheus', env: 'PROMETHEUS_URL', default: 'http://127.0.0.1:9090' },
  collectorMetrics: {
    flag: '--collector-metrics',
    env: 'COLLECTOR_METRICS_URL',
    default: 'http://127.0.0.1:8888/metrics',
  },
  collectorHealth: {
    flag: '--collector-health',
    env: 'COLLECTOR_HEALTH_URL',
    default: 'http://127.0.0.1:13133/',
  },
  gateway: { flag: '--gateway-url', env: 'GATEWAY_URL', default: 'http://127.0.0.1:3000' },
} as const;

export type EndpointName = keyof typeof ENDPOINTS;
type Defaulted = {
  [K in EndpointName]: (typeof ENDPOINTS)[K]['default'] extends string ? K : never;
}[EndpointName];

/** The trace store backend's flag and variable; unset means: detect it from the store's answers. */
export const BACKEND_OPTION = { flag: '--traces-backend', env: 'TRACES_BACKEND' } as const;

/** An endpoint's URL: the flag if given, else its environment variable, else the default. */
export function resolveEndpoint(
  name: Defaulted,
  flagValue: string | undefined,
  env: Record<string, string | undefined>,
  usage: string,
): string;
export function resolveEndpoint(
  name: EndpointName,
  flagValue: string | undefined,
  env: Record<string, string | undefined>,
  usage: string,
): string | undefined;
export function resolveEndpoint(
  name: EndpointName,
  flagValue: string | undefined,
  env: Record<string, string | undefined>,
  usage: string,
): string | undefined {
  const spec = ENDPOINTS[name];
  if (flagValue !== undefined) return parseUrl(spec.flag, flagValue, usage);
  const fromEnv = env[spec.env];
  if (fromEnv !== undefined && fromEnv !== '') return parseUrl(spec.env, fromEnv, usage);
  return spec.default;
}

/** `--traces-backend`, else TRACES_BACKEND, else undefined (detect). A bad value is a UsageError. */
export function resolveBackend(
  flagValue: string | undefined,
  env: Record<string, string | undefined>,
  usage: string,
): TracesBackend | undefined {
  const [source, value] =
    flagValue !== undefined
      ? [BACKEND_OPTION.flag, flagValue]
      : [BACKEND_OPTION.env, env[BACKEND_OPTION.env]];
  if (value === undefined || (value === '' && source === BACKEND_OPTION.env)) return undefined;
  const backend = value.trim().toLowerCase();
  if ((TRACES_BACKENDS as readonly string[]).includes(backend)) return backend as TracesBackend;
  throw new UsageError(`${source} wants jaeger or tempo, not '${value}'`, usage);
}

/** Where the trace store is and which kind it is (undefined: detect). */
export function resolveTraceStore(
  flags: { 'traces-url'?: string; 'traces-backend'?: string },
  env: Record<string, string | undefined>,
  usage: string,
): { url: string; backend: TracesBackend | undefined } {
  return {
    url: resolveEndpoint('traces', flags['traces-url'], env, usage),
    backend: resolveBackend(flags['traces-backend'], env, usage),
  };
}

export function resolvePipelineEndpoints(
  flags: {
    'traces-url'?: string;
    'traces-backend'?: string;
    'traces-metrics'?: string;
    prometheus?: string;
    'collector-metrics'?: string;
    'collector-health'?: string;
  },
  env: Record<string, string | undefined>,
  usage: string,
): PipelineEndpoints {
  const store = resolveTraceStore(flags, env, usage);
  const tracesMetrics = resolveEndpoint('tracesMetrics', flags['traces-metrics'], env, usage);
  return {
    traces: store.url,
    ...(store.backend ? { tracesBackend: store.backend } : {}),
    ...(tracesMetrics ? { tracesMetrics } : {}),
    prometheus: resolveEndpoint('prometheus', flags.prometheus, env, usage),
    collectorMetrics: resolveEndpoint('collectorMetrics', flags['collector-metrics'], env, usage),
    collectorHealth: resolveEndpoint('collectorHealth', flags['collector-health'], env, usage),
  };
}

/** The endpoint table every help text ends with; `traces` brings the backend's line along. */
export function endpointHelp(names: EndpointName[]): string {
  const rows = names.flatMap((name) => {
    const spec = ENDPOINTS[name];
    const row = {
      flag: `${spec.flag} URL`,
      env: spec.env,
      default: 'defaultText' in spec ? spec.defaultText : spec.default,
    };
    if (name !== 'traces') return [row];
    const backend = {
      flag: `${BACKEND_OPTION.flag} B`,
      env: BACKEND_OPTION.env,
      default: 'jaeger or tempo; detected from the store when unset',
    };
    return [row, backend];
  });
  const flagWidth = Math.max(...rows.map((r) => r.flag.length));
  const envWidth = Math.max(...rows.map((r) => r.env.length));
  return rows
    .map((r) => `  ${r.flag.padEnd(flagWidth)}  ${r.env.padEnd(envWidth)}  ${r.default}`)
    .join('\n');
}
