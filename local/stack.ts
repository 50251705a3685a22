/**
 * The whole platform as local processes on loopback, from the very config files the chart
 * deploys: PostgreSQL, RabbitMQ, the trace store Jaeger (jaeger/jaeger.yaml, badger in the state
 * directory), the collector (collector/otel-collector.yaml), Prometheus (prometheus/prometheus.yml
 * and its rules),
 * Grafana when a binary is installed, and the services. `make local` runs it on the well-known
 * ports; the end-to-end suite runs it on free ports with test parameters.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDatabase,
  freePort,
  type ServiceProcess,
  startCollector,
  startJaeger,
  startPostgres,
  startPrometheus,
  startRabbitMq,
  startServiceProcess,
} from '@tracing-demo/testkit';
import { type GrafanaProcess, startGrafana } from './grafana.ts';
import { prometheusConfig } from './prometheus-config.ts';

/** In start order: each one's readiness needs the ones before it (the gateway, auth's keys). */
export const SERVICES = [
  'auth-service',
  'payment-service',
  'order-service',
  'api-gateway',
  'fulfillment-worker',
  'loadgen',
] as const;
export type ServiceName = (typeof SERVICES)[number];

/** `make local`'s ports: the ones prometheus.yml scrapes and the CLI looks at by default. */
export const WELL_KNOWN_PORTS = {
  'api-gateway': 3000,
  'auth-service': 3001,
  'order-service': 3002,
  'payment-service': 3003,
  'fulfillment-worker': 3004,
  loadgen: 3005,
  grafana: 3300,
  jaeger: 16686,
  jaegerGrpc: 16685,
  jaegerOtlpGrpc: 4417,
  jaegerOtlpHttp: 4418,
  jaegerMetrics: 14269,
  jaegerHealth: 13134,
  collectorOtlpGrpc: 4317,
  collectorOtlpHttp: 4318,
  collectorHealth: 13133,
  collectorMetrics: 8889,
  collectorTelemetry: 8888,
  collectorZpages: 55679,
  collectorPprof: 1777,
  prometheus: 9090,
} as const;
type Ports = { [K in keyof typeof WELL_KNOWN_PORTS]: number };

export interface StackOptions {
  /** Where logs (logs/), Jaeger's badger files, the collector's queue and Prometheus' TSDB go. */
  stateDir: string;
  /** 'well-known' for `make local`; 'free' so a test stack never collides with it. */
  ports: 'well-known' | 'free';
  /** Without loadgen, the only traffic is what the caller sends. */
  loadgen: boolean;
  /** Environment for every service (LOADGEN_RATE, PAYMENT_*, RATE_LIMIT_PER_MINUTE, …). */
  serviceEnv?: Record<string, string>;
  /** The collector's ${env:…} parameters (SAMPLING_*, SPAN_METRICS_FLUSH_INTERVAL, …). */
  collectorEnv?: Record<string, string>;
  /** Jaeger's ${env:…} parameters (JAEGER_RETENTION, JAEGER_LOG_LEVEL, …). */
  jaegerEnv?: Record<string, string>;
  /** prometheus.yml's global intervals and the values of the rules' parameter series. */
  prometheus?: {
    scrapeInterval?: string;
    evaluationInterval?: string;
    ruleParameters?: Record<string, number>;
  };
  progress?: (message: string) => void;
}

export interface LocalStack {
  urls: {
    gateway: string;
    /** Jaeger's query API (and UI). */
    jaeger: string;
    prometheus: string;
    collectorOtlpHttp: string;
    collectorHealth: string;
    collectorMetrics: string;
    collectorTelemetry: string;
    grafana?: string;
    service: Record<ServiceName, string>;
  };
  ports: Ports;
  logDir: string;
  /** Why Grafana is not running, when it is not. */
  grafanaSkipped?: string;
  services: Partial<Record<ServiceName, ServiceProcess>>;
  stop(): Promise<void>;
}

/**
 * The gateway's synthetic-traffic token, as the chart makes it: generated once and kept (here in
 * the state directory, readable by its owner only), so `tracing-demo verify --local` finds it.
 */
export function syntheticToken(stateDir: string): string {
  const file = join(stateDir, 'synthetic-token');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 16) return kept;
  } catch {}
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

async function choosePorts(mode: StackOptions['ports']): Promise<Ports> {
  if (mode === 'well-known') return { ...WELL_KNOWN_PORTS };
  const entries = await Promise.all(
    Object.keys(WELL_KNOWN_PORTS).map(async (name) => [name, await freePort()] as const),
  );
  return Object.fromEntries(entries) as Ports;
}

/** Starts everything in dependency order; on a failure, stops what already started. */
export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const step = options.progress ?? (() => undefined);
  const logDir = join(options.stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = (name: string) => join(logDir, `${name}.log`);
  const ports = await choosePorts(options.ports);
  const local = (port: number) => `http://127.0.0.1:${port}`;

  const stoppers: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
    stoppers.length = 0;
  };

  try {
    step('starting PostgreSQL (throwaway)…');
    const postgres = await startPostgres();
    stoppers.push(() => postgres.stop());
    const databaseUrl = await createDatabase(postgres.url(), 'tracing_demo');

    step('starting RabbitMQ (throwaway; takes a few seconds)…');
    const rabbit = await startRabbitMq();
    stoppers.push(() => rabbit.destroy());

    step(`starting Jaeger on :${ports.jaeger} (OTLP on :${ports.jaegerOtlpHttp})…`);
    const jaeger = await startJaeger({
      env: {
        JAEGER_QUERY_HTTP_ENDPOINT: `127.0.0.1:${ports.jaeger}`,
        JAEGER_QUERY_GRPC_ENDPOINT: `127.0.0.1:${ports.jaegerGrpc}`,
        JAEGER_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.jaegerOtlpGrpc}`,
        JAEGER_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.jaegerOtlpHttp}`,
        JAEGER_METRICS_HOST: '127.0.0.1',
        JAEGER_METRICS_PORT: String(ports.jaegerMetrics),
        JAEGER_HEALTH_ENDPOINT: `127.0.0.1:${ports.jaegerHealth}`,
        // The Monitor tab's RED metrics: the collector's span metrics in this stack's Prometheus,
        // which starts later (Jaeger asks it only when the tab or /api/metrics is used).
        JAEGER_SPM_STORAGE: 'prometheus',
        JAEGER_PROMETHEUS_URL: local(ports.prometheus),
        ...options.jaegerEnv,
      },
      dataDir: join(options.stateDir, 'jaeger'),
      logFile: log('jaeger'),
    });
    stoppers.push(() => jaeger.stop());

    step(
      `starting the collector on :${ports.collectorOtlpHttp} (span metrics :${ports.collectorMetrics})…`,
    );
    const collector = await startCollector({
      configs: ['collector/otel-collector.yaml'],
      env: {
        OTELCOL_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.collectorOtlpGrpc}`,
        OTELCOL_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.collectorOtlpHttp}`,
        OTELCOL_HEALTH_ENDPOINT: `127.0.0.1:${ports.collectorHealth}`,
        OTELCOL_PROMETHEUS_ENDPOINT: `127.0.0.1:${ports.collectorMetrics}`,
        OTELCOL_TELEMETRY_PORT: String(ports.collectorTelemetry),
        OTELCOL_ZPAGES_ENDPOINT: `127.0.0.1:${ports.collectorZpages}`,
        OTELCOL_PPROF_ENDPOINT: `127.0.0.1:${ports.collectorPprof}`,
        TRACES_OTLP_HTTP_ENDPOINT: jaeger.otlpHttpUrl,
        ...options.collectorEnv,
      },
      queueDir: join(options.stateDir, 'otelcol-queue'),
      logFile: log('otelcol'),
    });
    stoppers.push(() => collector.stop());

    step(`starting Prometheus on :${ports.prometheus}…`);
    const prometheusDir = join(options.stateDir, 'prometheus');
    mkdirSync(prometheusDir, { recursive: true });
    const prometheus = await startPrometheus({
      port: ports.prometheus,
      dataDir: join(prometheusDir, 'data'),
      logFile: log('prometheus'),
      configFile: prometheusConfig(prometheusDir, {
        traceStore: 'jaeger',
        targets: {
          'otel-collector-span-metrics': `127.0.0.1:${ports.collectorMetrics}`,
          'otel-collector': `127.0.0.1:${ports.collectorTelemetry}`,
          jaeger: `127.0.0.1:${ports.jaegerMetrics}`,
          prometheus: `127.0.0.1:${ports.prometheus}`,
        },
        ...options.prometheus,
      }),
    });
    stoppers.push(() => prometheus.stop());

    const grafana: GrafanaProcess | { skipped: string } = await startGrafana({
      port: ports.grafana,
      stateDir: join(options.stateDir, 'grafana'),
      prometheusUrl: prometheus.url,
      traceStore: 'jaeger',
      tracesUrl: jaeger.url,
      logFile: log('grafana'),
    });
    if ('stop' in grafana) {
      step(`started Grafana on :${ports.grafana}`);
      stoppers.push(() => grafana.stop());
    } else {
      step(`Grafana not started: ${grafana.skipped}`);
    }

    const service = Object.fromEntries(
      SERVICES.map((name) => [name, local(ports[name])]),
    ) as Record<ServiceName, string>;
    // The chart's defaults: every span recorded (sampling is the collector's); the gateway
    // trusts loadgen through the token and nobody by network, so a plain curl is an outside
    // caller that gets a new trace and reads its id from the traceresponse header.
    const token = syntheticToken(options.stateDir);
    const common = {
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
      OTEL_BSP_SCHEDULE_DELAY: '500',
      AUTH_SERVICE_URL: service['auth-service'],
      ORDER_SERVICE_URL: service['order-service'],
      PAYMENT_SERVICE_URL: service['payment-service'],
      GATEWAY_URL: service['api-gateway'],
      DATABASE_URL: databaseUrl,
      AMQP_URL: rabbit.url,
      ...options.serviceEnv,
    };
    const services: LocalStack['services'] = {};
    for (const name of SERVICES) {
      if (name === 'loadgen' && !options.loadgen) continue;
      step(`starting ${name} on ${service[name]}…`);
      const started = await startServiceProcess({
        name,
        port: ports[name],
        directory: join(import.meta.dirname, '..', 'services', name),
        env:
          name === 'api-gateway' || name === 'loadgen'
            ? { ...common, SYNTHETIC_TOKEN: token }
            : common,
        logFile: log(name),
      });
      stoppers.push(() => started.stop());
      services[name] = started;
    }

    return {
      urls: {
        gateway: service['api-gateway'],
        jaeger: jaeger.url,
        prometheus: prometheus.url,
        collectorOtlpHttp: collector.otlpHttpUrl,
        collectorHealth: local(ports.collectorHealth),
        collectorMetrics: collector.metricsUrl,
        collectorTelemetry: collector.telemetryUrl,
        grafana: 'stop' in grafana ? grafana.url : undefined,
        service,
      },
      ports,
      logDir,
      grafanaSkipped: 'skipped' in grafana ? grafana.skipped : undefined,
      services,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
