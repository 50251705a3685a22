/**
 * `make run`: PostgreSQL, RabbitMQ and the five services as local processes on loopback, with the same
 * start command and environment variables the chart uses. Traces go to OTEL_EXPORTER_OTLP_ENDPOINT
 * when it is set (e.g. a local collector), otherwise they are printed here as trees.
 * Ctrl-C stops everything this started; logs are in .local/logs/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDatabase,
  type ServiceProcess,
  startPostgres,
  startRabbitMq,
  startServiceProcess,
} from '@tracing-demo/testkit';
import { startTracePrinter } from './trace-printer.ts';

const root = join(import.meta.dirname, '..');
const logDir = join(root, '.local', 'logs');
mkdirSync(logDir, { recursive: true });

const step = (message: string) => process.stdout.write(`[local] ${message}\n`);
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const stoppers: (() => Promise<unknown>)[] = [];
async function stopAll() {
  step('stopping…');
  for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  step('stopped');
}

async function main() {
  step('starting PostgreSQL (throwaway, on 127.0.0.1)…');
  const postgres = await startPostgres();
  stoppers.push(() => postgres.stop());
  const databaseUrl = await createDatabase(postgres.url(), 'tracing_demo');
  step('starting RabbitMQ (throwaway, on 127.0.0.1; takes a few seconds)…');
  const rabbit = await startRabbitMq();
  stoppers.push(() => rabbit.destroy());

  let otlpEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const telemetry: Record<string, string> = {};
  if (!otlpEndpoint) {
    const printer = await startTracePrinter();
    stoppers.push(() => printer.close());
    otlpEndpoint = printer.url;
    telemetry.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    // Export every half second so a trace shows up right after its request, not 5 s later.
    telemetry.OTEL_BSP_SCHEDULE_DELAY = '500';
    step('no OTEL_EXPORTER_OTLP_ENDPOINT set: traces will be printed below');
  }

  const urls = {
    gateway: `http://127.0.0.1:${port('GATEWAY_PORT', 3000)}`,
    auth: `http://127.0.0.1:${port('AUTH_PORT', 3001)}`,
    order: `http://127.0.0.1:${port('ORDER_PORT', 3002)}`,
    payment: `http://127.0.0.1:${port('PAYMENT_PORT', 3003)}`,
    worker: `http://127.0.0.1:${port('WORKER_PORT', 3004)}`,
    loadgen: `http://127.0.0.1:${port('LOADGEN_PORT', 3005)}`,
  };
  const common = {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    ...telemetry,
    AUTH_SERVICE_URL: urls.auth,
    ORDER_SERVICE_URL: urls.order,
    PAYMENT_SERVICE_URL: urls.payment,
    DATABASE_URL: databaseUrl,
    AMQP_URL: rabbit.url,
  };
  const start = async (name: string, url: string, env: Record<string, string> = {}) => {
    step(`starting ${name} on ${url}…`);
    const service: ServiceProcess = await startServiceProcess({
      name,
      port: Number(new URL(url).port),
      directory: join(root, 'services', name),
      env: { ...common, ...env },
      logFile: join(logDir, `${name}.log`),
    });
    stoppers.push(() => service.stop());
  };
  await start('payment-service', urls.payment, {
    PAYMENT_FAILURE_RATE: process.env.PAYMENT_FAILURE_RATE ?? '0.05',
    PAYMENT_SLOW_RATE: process.env.PAYMENT_SLOW_RATE ?? '0.05',
  });
  await start('auth-service', urls.auth);
  await start('order-service', urls.order);
  await start('api-gateway', urls.gateway);
  await start('fulfillment-worker', urls.worker);
  // Opt-in: at any useful rate the printed trees would scroll past faster than anyone reads.
  if (process.env.LOADGEN_RATE) {
    await start('loadgen', urls.loadgen, {
      GATEWAY_URL: urls.gateway,
      LOADGEN_RATE: process.env.LOADGEN_RATE,
    });
    step(
      `loadgen sends ${process.env.LOADGEN_RATE} requests/s; its report: ${urls.loadgen}/report`,
    );
  }

  process.stdout.write(`
[local] ready. The gateway is ${urls.gateway}; logs are in ${logDir}.
  TOKEN=$(curl -s ${urls.gateway}/api/auth/login -H 'content-type: application/json' \\
    -d '{"email":"alice@example.com","password":"alice-password"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')
  curl -s ${urls.gateway}/api/orders -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"items":[{"sku":"SKU-COFFEE","quantity":2}],"paymentMethod":"card","cardNumber":"4242424242424242"}'
  curl -s -X PUT ${urls.payment}/admin/faults -H 'content-type: application/json' -d '{"failureRate":0.5}'
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
