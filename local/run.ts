/**
 * The local stack's supervisor: starts the platform on the well-known ports (local/stack.ts),
 * prints where everything is, and stops exactly what it started on SIGINT/SIGTERM. `make local`
 * runs it in the background (local/up.ts); `node local/run.ts` keeps it in the foreground.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from './stack.ts';
import { READY_LINE, STATE_DIR } from './state.ts';

const step = (message: string) => process.stdout.write(`[local] ${message}\n`);

function summary(stack: LocalStack, rate: string): string {
  const { urls } = stack;
  const gateway = urls.gateway;
  return `
  gateway     ${gateway}
  Jaeger      ${urls.jaeger}  query API (api/v3, api/traces), e.g. npx tracing-demo search --error --since 15m
  Prometheus  ${urls.prometheus}   e.g. the alerts: ${urls.prometheus}/alerts
  collector   OTLP ${urls.collectorOtlpHttp}, span metrics ${urls.collectorMetrics}, own telemetry ${urls.collectorTelemetry}
  loadgen     ${urls.service.loadgen}/report  (${rate} operations/s, LOADGEN_RATE)
  Grafana     ${urls.grafana ?? `not started: ${stack.grafanaSkipped}`}
  logs        ${stack.logDir}
Try it:
  npx tracing-demo status
  TOKEN=$(curl -s ${gateway}/api/auth/login -H 'content-type: application/json' \\
    -d '{"email":"alice@example.com","password":"alice-password"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')
  curl -si ${gateway}/api/orders -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"items":[{"sku":"SKU-COFFEE","quantity":2}],"paymentMethod":"card","cardNumber":"4242424242424242"}'
    # -i shows the traceresponse header, 00-<trace id>-<span id>-01: the order's trace
  npx tracing-demo search --service api-gateway --error
  npx tracing-demo trace <a trace id from the list>
  npx tracing-demo verify --local   # an order as trusted synthetic traffic (.local/synthetic-token)
  curl -s -X PUT ${urls.service['payment-service']}/admin/faults -H 'content-type: application/json' -d '{"failureRate":0.5}'
`;
}

async function main() {
  rmSync(join(STATE_DIR, 'logs'), { recursive: true, force: true });
  const rate = process.env.LOADGEN_RATE ?? '2';
  let stack: LocalStack | undefined;
  let stopRequested = false;
  const stop = async () => {
    step('stopping…');
    await stack?.stop();
    step('stopped');
    process.exit(0);
  };
  // A signal during start-up stops the stack once start-up has finished (or failed, in which
  // case startLocalStack has already stopped what it started).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopRequested = true;
      if (stack) void stop();
    });
  }

  stack = await startLocalStack({
    stateDir: STATE_DIR,
    ports: 'well-known',
    serviceEnv: {
      PAYMENT_FAILURE_RATE: process.env.PAYMENT_FAILURE_RATE ?? '0.02',
      PAYMENT_SLOW_RATE: process.env.PAYMENT_SLOW_RATE ?? '0.02',
      LOADGEN_RATE: rate,
    },
    progress: step,
  });
  if (stopRequested) return stop();
  writeFileSync(join(STATE_DIR, 'stack.json'), `${JSON.stringify(stack.urls, null, 2)}\n`);
  process.stdout.write(`${summary(stack, rate)}\n${READY_LINE}\n`);
}

main().catch((error) => {
  process.stderr.write(`[local] failed: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
