/**
 * `make run`: the platform as local processes on loopback, from the very config files the chart
 * deploys: PostgreSQL, RabbitMQ, Tempo (tempo/tempo.yaml), the collector
 * (collector/otel-collector.yaml), Prometheus (prometheus/prometheus.yml and its rules) and the
 * services. Ports are the well-known ones prometheus.yml scrapes. Ctrl-C stops everything this
 * started; every program logs to .local/logs/.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDatabase,
  type ServiceProcess,
  startCollector,
  startPostgres,
  startPrometheus,
  startRabbitMq,
  startServiceProcess,
  startTempo,
} from '@tracing-demo/testkit';

const root = join(import.meta.dirname, '..');
const state = join(root, '.local');
const logDir = join(state, 'logs');
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });
const log = (name: string) => join(logDir, `${name}.log`);

const step = (message: string) => process.stdout.write(`[local] ${message}\n`);

const stoppers: (() => Promise<unknown>)[] = [];
async function stopAll() {
  step('stopping…');
  for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  step('stopped');
}

// In start order: each one's readiness needs the ones before it (the gateway, auth's keys).
const SERVICES = {
  'auth-service': 3001,
  'payment-service': 3003,
  'order-service': 3002,
  'api-gateway': 3000,
  'fulfillment-worker': 3004,
  loadgen: 3005,
} as const;
const serviceUrl = (name: keyof typeof SERVICES) => `http://127.0.0.1:${SERVICES[name]}`;

async function main() {
  step('starting PostgreSQL (throwaway)…');
  const postgres = await startPostgres();
  stoppers.push(() => postgres.stop());
  const databaseUrl = await createDatabase(postgres.url(), 'tracing_demo');

  step('starting RabbitMQ (throwaway; takes a few seconds)…');
  const rabbit = await startRabbitMq();
  stoppers.push(() => rabbit.destroy());

  step('starting Tempo on :3200 (OTLP on :4417/:4418)…');
  const tempo = await startTempo(
    {
      TEMPO_HTTP_PORT: '3200',
      TEMPO_GRPC_PORT: '9095',
      TEMPO_OTLP_GRPC_ENDPOINT: '127.0.0.1:4417',
      TEMPO_OTLP_HTTP_ENDPOINT: '127.0.0.1:4418',
      // Searchable two seconds after a request instead of ten: this is for watching.
      TEMPO_TRACE_IDLE_PERIOD: '2s',
    },
    { logFile: log('tempo') },
  );
  stoppers.push(() => tempo.stop());

  step('starting the collector on :4317/:4318 (span metrics :8889, telemetry :8888)…');
  const collector = await startCollector({
    configs: ['collector/otel-collector.yaml'],
    env: {
      OTELCOL_OTLP_GRPC_ENDPOINT: '127.0.0.1:4317',
      OTELCOL_OTLP_HTTP_ENDPOINT: '127.0.0.1:4318',
      OTELCOL_HEALTH_ENDPOINT: '127.0.0.1:13133',
      OTELCOL_PROMETHEUS_ENDPOINT: '127.0.0.1:8889',
      OTELCOL_TELEMETRY_PORT: '8888',
      OTELCOL_ZPAGES_ENDPOINT: '127.0.0.1:55679',
      OTELCOL_PPROF_ENDPOINT: '127.0.0.1:1777',
      TEMPO_OTLP_HTTP_ENDPOINT: tempo.otlpHttpUrl,
    },
    queueDir: join(state, 'otelcol-queue'),
    logFile: log('otelcol'),
  });
  stoppers.push(() => collector.stop());

  step('starting Prometheus on :9090…');
  const prometheus = await startPrometheus({
    port: 9090,
    dataDir: join(state, 'prometheus'),
    logFile: log('prometheus'),
  });
  stoppers.push(() => prometheus.stop());

  const common = {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_BSP_SCHEDULE_DELAY: '500',
    AUTH_SERVICE_URL: serviceUrl('auth-service'),
    ORDER_SERVICE_URL: serviceUrl('order-service'),
    PAYMENT_SERVICE_URL: serviceUrl('payment-service'),
    GATEWAY_URL: serviceUrl('api-gateway'),
    DATABASE_URL: databaseUrl,
    AMQP_URL: rabbit.url,
    PAYMENT_FAILURE_RATE: process.env.PAYMENT_FAILURE_RATE ?? '0.02',
    PAYMENT_SLOW_RATE: process.env.PAYMENT_SLOW_RATE ?? '0.02',
    LOADGEN_RATE: process.env.LOADGEN_RATE ?? '2',
  };
  for (const name of Object.keys(SERVICES) as (keyof typeof SERVICES)[]) {
    step(`starting ${name} on ${serviceUrl(name)}…`);
    const service: ServiceProcess = await startServiceProcess({
      name,
      port: SERVICES[name],
      directory: join(root, 'services', name),
      env: common,
      logFile: log(name),
    });
    stoppers.push(() => service.stop());
  }

  const gateway = serviceUrl('api-gateway');
  process.stdout.write(`
[local] ready; loadgen sends ${common.LOADGEN_RATE} requests/s (LOADGEN_RATE). Logs: ${logDir}
  gateway     ${gateway}
  Tempo       ${tempo.url}      e.g. curl -s '${tempo.url}/api/search?q=%7Bstatus%3Derror%7D&limit=5'
  Prometheus  ${prometheus.url}  e.g. the alerts: ${prometheus.url}/alerts
  collector   span metrics ${collector.metricsUrl}, own telemetry ${collector.telemetryUrl}
  loadgen     ${serviceUrl('loadgen')}/report
  Grafana     not started: no Grafana binary is available here (grafana/ holds its provisioning)
Try it:
  TOKEN=$(curl -s ${gateway}/api/auth/login -H 'content-type: application/json' \\
    -d '{"email":"alice@example.com","password":"alice-password"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')
  curl -s ${gateway}/api/orders -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"items":[{"sku":"SKU-COFFEE","quantity":2}],"paymentMethod":"card","cardNumber":"4242424242424242"}'
  curl -s -X PUT ${serviceUrl('payment-service')}/admin/faults -H 'content-type: application/json' -d '{"failureRate":0.5}'
Press Ctrl-C to stop.
`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().then(() => process.exit(0));
  });
}
main().catch(async (error) => {
  process.stderr.write(`[local] failed: ${error instanceof Error ? error.message : error}\n`);
  await stopAll();
  process.exit(1);
});
