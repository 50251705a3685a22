import { parseUrl } from './args.js';
import type { PipelineEndpoints } from './status/index.js';

/** Each endpoint: its flag, its environment variable, and the local stack's well-known port. */
export const ENDPOINTS = {
  tempo: { flag: '--tempo', env: 'TEMPO_URL', default: 'http://127.0.0.1:3200' },
  traces: { flag: '--traces-url', env: 'TRACES_URL', default: 'http://127.0.0.1:16686' },
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

/** An endpoint's URL: the flag if given, else its environment variable, else the default. */
export function resolveEndpoint(
  name: EndpointName,
  flagValue: string | undefined,
  env: Record<string, string | undefined>,
  usage: string,
): string {
  const spec = ENDPOINTS[name];
  if (flagValue !== undefined) return parseUrl(spec.flag, flagValue, usage);
  const fromEnv = env[spec.env];
  if (fromEnv !== undefined && fromEnv !== '') return parseUrl(spec.env, fromEnv, usage);
  return spec.default;
}

export function resolvePipelineEndpoints(
  flags: {
    tempo?: string;
    prometheus?: string;
    'collector-metrics'?: string;
    'collector-health'?: string;
  },
  env: Record<string, string | undefined>,
  usage: string,
): PipelineEndpoints {
  return {
    tempo: resolveEndpoint('tempo', flags.tempo, env, usage),
    prometheus: resolveEndpoint('prometheus', flags.prometheus, env, usage),
    collectorMetrics: resolveEndpoint('collectorMetrics', flags['collector-metrics'], env, usage),
    collectorHealth: resolveEndpoint('collectorHealth', flags['collector-health'], env, usage),
  };
}

/** The endpoint table every help text ends with. */
export function endpointHelp(names: EndpointName[]): string {
  const rows = names.map((name) => ENDPOINTS[name]);
  const flagWidth = Math.max(...rows.map((r) => `${r.flag} URL`.length));
  const envWidth = Math.max(...rows.map((r) => r.env.length));
  return rows
    .map((r) => `  ${`${r.flag} URL`.padEnd(flagWidth)}  ${r.env.padEnd(envWidth)}  ${r.default}`)
    .join('\n');
}
