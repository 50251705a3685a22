import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CollectorProcess, startCollector } from './collector.js';
import { type JaegerProcess, startJaeger } from './jaeger.js';
import { type RestartableProcess, retryOnPortClash } from './managed-process.js';
import { ENV, loadManifest, type Manifest, type ServiceSpec } from './manifest.js';
import { freePort } from './ports.js';
import { createDatabase, startPostgres } from './postgres.js';
import { type PrometheusProcess, startPrometheus } from './prometheus.js';
import { type PrometheusSettings, prometheusConfig } from './prometheus-config.js';
import { type RabbitMqServer, startRabbitMq } from './rabbitmq.js';
import { type ServiceProcess, startServiceProcess } from './service-process.js';

/** The backends' ports under `ports: 'well-known'`: the ones prometheus.yml and the CLI assume. */
export const WELL_KNOWN_PORTS = {
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
type BackendPorts = { [K in keyof typeof WELL_KNOWN_PORTS]: number };

export interface PlatformOptions {
  /** Manifest services to run; all of them if unset. They start in the manifest's order. */
  services?: readonly string[];
  /** 'well-known': the manifest's ports and WELL_KNOWN_PORTS (`make local`); 'free' by default. */
  ports?: 'well-known' | 'free';
  /** Every process logs to <logDir>/<name>.log (<name>.<logTag>.log given a tag). */
  logDir: string;
  logTag?: string;
  /** Jaeger's badger files, the collector's queue, Prometheus' config and TSDB; temp if unset. */
  stateDir?: string;
  backends?: {
    /** Start a throwaway PostgreSQL (database tracing_demo), or use this database URL. */
    postgresql?: 'start' | string;
    /** Start a throwaway RabbitMQ, or use this AMQP URL. */
    rabbitmq?: 'start' | string;
    /** Start Jaeger with these ${env:…} values of jaeger/jaeger.yaml. */
    jaeger?: { env?: Record<string, string> };
    /** Start the collector (exporting to Jaeger when it runs); the services export to it. */
    collector?: { env?: Record<string, string> };
    /** Start Prometheus over the collector and Jaeger (both required). */
    prometheus?: Omit<PrometheusSettings, 'traceStore' | 'targets'>;
  };
  /** Where the services export OTLP/HTTP when no collector is started, e.g. a test's sink. */
  otlp?: { endpoint: string; protocol?: 'http/json' | 'http/protobuf' };
  /** For every service, after the wiring. */
  env?: Record<string, string>;
  /** For one service, after `env`. */
  serviceEnv?: Record<string, Record<string, string>>;
  /** email:password list for every service with `demoUsers` in the manifest. */
  demoUsers?: string;
  /** For every service with `syntheticToken` in the manifest. */
  syntheticToken?: string;
  /** What `node --import` loads instead of the telemetry register (a benchmark candidate). */
  register?: string;
  progress?: (message: string) => void;
}

export interface Platform {
  manifest: Manifest;
  /** The running services by name. */
  services: Record<string, ServiceProcess>;
  urls: {
    service: Record<string, string>;
    /** The running service with exposure: public, the platform's front door. */
    gateway?: string;
    jaeger?: string;
    prometheus?: string;
    collectorOtlpHttp?: string;
    collectorHealth?: string;
    collectorMetrics?: string;
    collectorTelemetry?: string;
  };
  databaseUrl?: string;
  amqpUrl?: string;
  /**
   * The backends it started, to take down and bring back on the same ports and data (a drill):
   * stop() is an outage, start() the recovery. The services' own are `services[name].process`.
   */
  backendProcesses: {
    postgresql?: Outage;
    rabbitmq?: Outage;
    jaeger?: RestartableProcess;
    collector?: RestartableProcess;
  };
  /** The JWT signer's key (PKCS#8 PEM), generated per platform. */
  signingKeyPem: string;
  logDir: string;
  /** Stops everything it started, the last started first. */
  stop(): Promise<void>;
}

/** A backend that can be taken down and brought back. */
export interface Outage {
  stop(): Promise<unknown>;
  start(): Promise<void>;
}

const newSigningKey = () =>
  generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

/**
 * Starts the chosen backends, then the services, each once those it calls are ready, with every
 * URL wired from services/services.yaml. On a failure it stops what already started.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const manifest = loadManifest();
  const step = options.progress ?? (() => undefined);
  const backends = options.backends ?? {};
  const wellKnown = options.ports === 'well-known';
  const chosen = new Set(options.services ?? manifest.services.map((s) => s.name));
  for (const name of chosen) {
    if (!manifest.services.some((s) => s.name === name)) {
      throw new Error(`no service '${name}' in services/services.yaml`);
    }
  }
  const specs = manifest.services.filter((s) => chosen.has(s.name));
  if (backends.prometheus && !(backends.jaeger && backends.collector)) {
    throw new Error('startPlatform: Prometheus scrapes the collector and Jaeger: start them too');
  }
  mkdirSync(options.logDir, { recursive: true });
  const log = (name: string) =>
    join(options.logDir, options.logTag ? `${name}.${options.logTag}.log` : `${name}.log`);
  const ports = await backendPorts(wellKnown);
  const at = (port: number) => `127.0.0.1:${port}`;
  const local = (port: number) => `http://${at(port)}`;

  const stoppers: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
    stoppers.length = 0;
  };
  let stateDir = options.stateDir;
  if (stateDir === undefined && (backends.jaeger || backends.collector || backends.prometheus)) {
    const temp = mkdtempSync(join(tmpdir(), 'tracing-demo-platform-'));
    stoppers.push(async () => rmSync(temp, { recursive: true, force: true }));
    stateDir = temp;
  }

  try {
    const backendProcesses: Platform['backendProcesses'] = {};
    let databaseUrl: string | undefined;
    if (backends.postgresql === 'start') {
      step('starting PostgreSQL (throwaway)…');
      const postgres = await startPostgres();
      stoppers.push(() => postgres.stop());
      backendProcesses.postgresql = { stop: postgres.halt, start: postgres.start };
      databaseUrl = await createDatabase(postgres.url(), 'tracing_demo');
    } else {
      databaseUrl = backends.postgresql;
    }

    let amqpUrl: string | undefined;
    if (backends.rabbitmq === 'start') {
      step('starting RabbitMQ (throwaway; takes a few seconds)…');
      const rabbit: RabbitMqServer = await startRabbitMq();
      stoppers.push(() => rabbit.destroy());
      backendProcesses.rabbitmq = { stop: rabbit.stop, start: rabbit.start };
      amqpUrl = rabbit.url;
    } else {
      amqpUrl = backends.rabbitmq;
    }

    let jaeger: JaegerProcess | undefined;
    if (backends.jaeger) {
      step(`starting Jaeger on :${ports.jaeger} (OTLP on :${ports.jaegerOtlpHttp})…`);
      jaeger = await startJaeger({
        env: {
          JAEGER_QUERY_HTTP_ENDPOINT: at(ports.jaeger),
          JAEGER_QUERY_GRPC_ENDPOINT: at(ports.jaegerGrpc),
          JAEGER_OTLP_GRPC_ENDPOINT: at(ports.jaegerOtlpGrpc),
          JAEGER_OTLP_HTTP_ENDPOINT: at(ports.jaegerOtlpHttp),
          JAEGER_METRICS_HOST: '127.0.0.1',
          JAEGER_METRICS_PORT: String(ports.jaegerMetrics),
          JAEGER_HEALTH_ENDPOINT: at(ports.jaegerHealth),
          // The Monitor tab's RED metrics come from this platform's Prometheus, which starts
          // later; Jaeger asks it only when the tab or /api/metrics is used.
          ...(backends.prometheus
            ? { JAEGER_SPM_STORAGE: 'prometheus', JAEGER_PROMETHEUS_URL: local(ports.prometheus) }
            : {}),
          ...backends.jaeger.env,
        },
        dataDir: join(stateDir as string, 'jaeger'),
        logFile: log('jaeger'),
      });
      stoppers.push(() => (jaeger as JaegerProcess).stop());
      backendProcesses.jaeger = jaeger.process;
    }

    let collector: CollectorProcess | undefined;
    if (backends.collector) {
      step(
        `starting the collector on :${ports.collectorOtlpHttp} (span metrics :${ports.collectorMetrics})…`,
      );
      collector = await startCollector({
        configs: ['collector/otel-collector.yaml'],
        env: {
          OTELCOL_OTLP_GRPC_ENDPOINT: at(ports.collectorOtlpGrpc),
          OTELCOL_OTLP_HTTP_ENDPOINT: at(ports.collectorOtlpHttp),
          OTELCOL_HEALTH_ENDPOINT: at(ports.collectorHealth),
          OTELCOL_PROMETHEUS_ENDPOINT: at(ports.collectorMetrics),
          OTELCOL_TELEMETRY_PORT: String(ports.collectorTelemetry),
          OTELCOL_ZPAGES_ENDPOINT: at(ports.collectorZpages),
          OTELCOL_PPROF_ENDPOINT: at(ports.collectorPprof),
          ...(jaeger ? { TRACES_OTLP_HTTP_ENDPOINT: jaeger.otlpHttpUrl } : {}),
          ...backends.collector.env,
        },
        queueDir: join(stateDir as string, 'otelcol-queue'),
        logFile: log('otelcol'),
      });
      stoppers.push(() => (collector as CollectorProcess).stop());
      backendProcesses.collector = collector.process;
    }

    let prometheus: PrometheusProcess | undefined;
    if (backends.prometheus) {
      step(`starting Prometheus on :${ports.prometheus}…`);
      const prometheusDir = join(stateDir as string, 'prometheus');
      mkdirSync(prometheusDir, { recursive: true });
      prometheus = await startPrometheus({
        port: ports.prometheus,
        dataDir: join(prometheusDir, 'data'),
        logFile: log('prometheus'),
        configFile: prometheusConfig(prometheusDir, {
          traceStore: 'jaeger',
          targets: {
            'otel-collector-span-metrics': at(ports.collectorMetrics),
            'otel-collector': at(ports.collectorTelemetry),
            jaeger: at(ports.jaegerMetrics),
            prometheus: at(ports.prometheus),
          },
          ...backends.prometheus,
        }),
      });
      stoppers.push(() => (prometheus as PrometheusProcess).stop());
    }

    const signingKeyPem = newSigningKey();
    const signer = manifest.services.find((spec) => spec.jwt === 'sign');
    const otlp: Record<string, string> = collector
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl }
      : options.otlp
        ? {
            OTEL_EXPORTER_OTLP_ENDPOINT: options.otlp.endpoint,
            ...(options.otlp.protocol
              ? { OTEL_EXPORTER_OTLP_PROTOCOL: options.otlp.protocol }
              : {}),
          }
        : {};

    /**
     * Starts every service on `servicePorts`, each once its peers are ready; if one fails, the
     * ones that started are stopped again.
     */
    const startServices = async (servicePorts: Map<string, number>) => {
      const serviceUrl: Record<string, string> = Object.fromEntries(
        [...servicePorts].map(([name, port]) => [name, local(port)]),
      );
      /** The environment the manifest asks for; a peer that does not run must be given in env. */
      const wiring = (spec: ServiceSpec) => {
        const given = { ...options.env, ...options.serviceEnv?.[spec.name] };
        const env: Record<string, string> = { ...otlp };
        const peers: string[] = [];
        const peer = (name: string, variable: string) => {
          const url = serviceUrl[name];
          if (url) {
            env[variable] = url;
            peers.push(name);
          } else if (given[variable] === undefined) {
            throw new Error(
              `${spec.name} calls ${name}, which is not started: start it or set ${variable}`,
            );
          }
        };
        for (const [name, variable] of Object.entries(spec.calls)) peer(name, variable);
        if (spec.jwt === 'verify' && signer) peer(signer.name, ENV.jwtVerify);
        if (spec.jwt === 'sign') env[ENV.jwtSign] = signingKeyPem;
        if (spec.postgresql && databaseUrl) env[ENV.postgresql] = databaseUrl;
        if (spec.rabbitmq && amqpUrl) env[ENV.rabbitmq] = amqpUrl;
        if (spec.demoUsers && options.demoUsers) env[spec.demoUsers] = options.demoUsers;
        if (spec.syntheticToken && options.syntheticToken) {
          env[ENV.syntheticToken] = options.syntheticToken;
        }
        return { env: { ...env, ...given }, peers };
      };

      const services: Record<string, ServiceProcess> = {};
      const ready = new Map<string, Promise<ServiceProcess>>();
      // Every wiring first: a missing peer fails before any service starts.
      const wirings = specs.map((spec) => ({ spec, ...wiring(spec) }));
      for (const { spec, env, peers } of wirings) {
        const started = (async () => {
          await Promise.all(peers.map((name) => ready.get(name)));
          step(`starting ${spec.name} on ${serviceUrl[spec.name]}…`);
          const service = await startServiceProcess({
            name: spec.name,
            port: servicePorts.get(spec.name) as number,
            env,
            logFile: log(spec.name),
            register: options.register,
          });
          services[spec.name] = service;
          return service;
        })();
        ready.set(spec.name, started);
      }
      const outcomes = await Promise.allSettled(ready.values());
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed) {
        await Promise.all(Object.values(services).map((service) => service.stop()));
        throw failed.reason;
      }
      return { services, serviceUrl };
    };
    const startOnPorts = async () => {
      const servicePorts = new Map<string, number>();
      for (const spec of specs) {
        servicePorts.set(spec.name, wellKnown ? spec.port : await freePort());
      }
      return startServices(servicePorts);
    };
    // A free port can be taken before its service listens (tests run in parallel): then all of
    // them start again on new ones, since each service's peers are wired to its port.
    const { services, serviceUrl } = wellKnown
      ? await startOnPorts()
      : await retryOnPortClash(startOnPorts);
    for (const service of Object.values(services)) stoppers.push(() => service.stop());
    const front = specs.find((spec) => spec.exposure === 'public');
    const publicUrl = front && serviceUrl[front.name];

    return {
      manifest,
      services,
      urls: {
        service: serviceUrl,
        gateway: publicUrl,
        jaeger: jaeger?.url,
        prometheus: prometheus?.url,
        collectorOtlpHttp: collector?.otlpHttpUrl,
        collectorHealth: collector?.healthUrl,
        collectorMetrics: collector?.metricsUrl,
        collectorTelemetry: collector?.telemetryUrl,
      },
      databaseUrl,
      amqpUrl,
      backendProcesses,
      signingKeyPem,
      logDir: options.logDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function backendPorts(wellKnown: boolean): Promise<BackendPorts> {
  if (wellKnown) return { ...WELL_KNOWN_PORTS };
  const entries = await Promise.all(
    Object.keys(WELL_KNOWN_PORTS).map(async (name) => [name, await freePort()] as const),
  );
  return Object.fromEntries(entries) as BackendPorts;
}
