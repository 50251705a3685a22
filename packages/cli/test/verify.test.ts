import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type CollectorProcess,
  createDatabase,
  freePort,
  type JaegerProcess,
  type ServiceProcess,
  startCollector,
  startJaeger,
  startServiceProcess,
} from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { run } from '../src/cli.js';
import type { KubeClient } from '../src/verify/kube.js';
import { runVerify } from '../src/verify/run-verify.js';
import { captureIo } from './support/io.js';

const services = join(import.meta.dirname, '..', '..', '..', 'services');
/** The gateway's synthetic-traffic token, as the chart's Secret gives it to helm test. */
const SYNTHETIC_TOKEN = 'cli-verify-synthetic-token-0123456789';

let jaeger: JaegerProcess;
let collector: CollectorProcess;
const processes: ServiceProcess[] = [];
let gatewayUrl: string;

/**
 * The real platform minus Kubernetes: the four HTTP services exporting to the real collector
 * (collector/otel-collector.yaml with its production sampling: errors, slow, 10% of the rest,
 * and synthetic traffic), which exports to the real Jaeger. verify's order succeeds quickly: only
 * the synthetic policy keeps it every time, through the token it sends.
 */
beforeAll(async () => {
  jaeger = await startJaeger();
  collector = await startCollector({
    configs: ['collector/otel-collector.yaml'],
    env: { TRACES_OTLP_HTTP_ENDPOINT: jaeger.otlpHttpUrl },
  });
  const databaseUrl = await createDatabase(inject('postgresAdminUrl'), 'cli_verify');
  const [gatewayPort, authPort, orderPort, paymentPort, noRabbit] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const start = async (name: string, port: number, env: Record<string, string> = {}) => {
    const service = await startServiceProcess({
      name,
      port,
      directory: join(services, name),
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        AUTH_SERVICE_URL: `http://127.0.0.1:${authPort}`,
        ...env,
      },
    });
    processes.push(service);
    return service;
  };
  const [payment] = await Promise.all([
    start('payment-service', paymentPort),
    start('auth-service', authPort, { DATABASE_URL: databaseUrl }),
  ]);
  const order = await start('order-service', orderPort, {
    DATABASE_URL: databaseUrl,
    PAYMENT_SERVICE_URL: payment.url,
    // No RabbitMQ: the order's event waits in the outbox, which is no concern of verify's.
    AMQP_URL: `amqp://guest:guest@127.0.0.1:${noRabbit}`,
  });
  gatewayUrl = (
    await start('api-gateway', gatewayPort, { ORDER_SERVICE_URL: order.url, SYNTHETIC_TOKEN })
  ).url;
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await collector?.stop();
  await jaeger?.stop();
});

describe('tracing-demo verify', () => {
  it('places an order and finds its whole trace in Jaeger, through tail sampling', async () => {
    // The installed command, so the test also shows it exits by itself once verified.
    const bin = join(import.meta.dirname, '..', 'bin', 'tracing-demo.js');
    const args = [
      'verify',
      '--local',
      '--gateway-url',
      gatewayUrl,
      '--traces-url',
      jaeger.url,
      '--traces-backend',
      'jaeger',
      '--timeout',
      '40s',
      '--width',
      '160',
    ];
    // Exit 0 or execFile rejects with the output; a process that does not exit times out.
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', SYNTHETIC_TOKEN },
      timeout: 55_000,
    });
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('verifying the local stack');
    expect(lines[1]).toBe('- workloads ready: skipped (--local)');
    expect(lines[2]).toMatch(
      new RegExp(
        `^✓ gateway and trace store reachable: gateway ${gatewayUrl}, Jaeger ${jaeger.url} \\(\\d+\\.\\d s\\)$`,
      ),
    );
    const placed =
      /^✓ order placed: as alice@example\.com: order [0-9a-f-]{36} \(201\) in trace ([0-9a-f]{32}) \(synthetic\) /m.exec(
        stdout,
      );
    expect(placed, stdout).not.toBeNull();
    const traceId = placed?.[1] as string;
    expect(stdout).toMatch(
      /^✓ trace in Jaeger: \d+ spans from (auth-service, )?api-gateway, (auth-service, )?order-service, payment-service \(\d+\.\d s\)$/m,
    );
    // The tree: verify sends no trace context, so the gateway's SERVER span is the root.
    expect(stdout).toContain(`trace ${traceId} · `);
    expect(stdout).toMatch(/^api-gateway: POST \/api\/orders \[SERVER\]/m);
    expect(stdout).toMatch(/^ +.*payment-service: POST \/charges \[SERVER\] +│/m);
    expect(stdout).toMatch(/^ +.*payment-service: chargePayment \[INTERNAL\]/m);
    expect(lines.at(-2)).toMatch(/^✓ local stack verified in \d+\.\d s$/);
  });

  it('with --no-trace-store (a release without one) places the order and skips the trace, exit 0', async () => {
    // Nothing listens on a free port: asking a store there would fail the run.
    const { io, captured } = captureIo({ TRACES_URL: `http://127.0.0.1:${await freePort()}` });
    expect(
      await run(['verify', '--local', '--gateway-url', gatewayUrl, '--no-trace-store'], io),
    ).toBe(0);
    const lines = captured.out.split('\n');
    expect(lines[2]).toMatch(
      new RegExp(`^✓ gateway reachable: gateway ${gatewayUrl} \\(\\d+\\.\\d s\\)$`),
    );
    expect(lines[3]).toMatch(
      /^✓ order placed: as alice@example\.com: order [0-9a-f-]{36} \(201\) in trace [0-9a-f]{32} \(no synthetic token: stored only if tail sampling's baseline keeps it\) /,
    );
    expect(lines[4]).toBe('- trace in the trace store: skipped (--no-trace-store)');
    expect(lines[5]).toMatch(/^✓ local stack verified without its trace in \d+\.\d s$/);
    expect(captured.err).toBe('');
  });

  it('a failing step ends verify with its reason in one line, exit 1', async () => {
    const { io, captured } = captureIo();
    const args = [
      'verify',
      '--local',
      '--gateway-url',
      gatewayUrl,
      '--traces-url',
      jaeger.url,
      '--password',
      'wrong',
    ];
    expect(await run(args, io)).toBe(1);
    expect(captured.out).toMatch(/^✗ order placed: login answered 401: .+ \(\d+\.\d s\)$/m);
    expect(captured.err).toMatch(
      /^tracing-demo verify: verify failed: order placed: login answered 401: [^\n]+\n$/,
    );
  });

  it('in Kubernetes mode: workloads, then port-forwards to the Services, closed at the end', async () => {
    const forwarded: string[] = [];
    const closed: string[] = [];
    // A cluster where the release is ready and "port-forwarding" reaches the processes above.
    const kube: KubeClient = {
      server: 'https://kind-control-plane:6443',
      defaultNamespace: 'tracing',
      listWorkloads: async (_namespace, selector) => {
        expect(selector).toBe('app.kubernetes.io/instance=demo');
        return [{ kind: 'Deployment', name: 'demo-api-gateway', desired: 2, ready: 2, updated: 2 }];
      },
      forwardService: async (namespace, service, port) => {
        forwarded.push(`${namespace}/${service}:${port}`);
        const url = service === 'demo-api-gateway' ? gatewayUrl : jaeger.url;
        return {
          url,
          description: `svc/${service}:${port}`,
          close: async () => void closed.push(service),
        };
      },
    };
    const lines: string[] = [];
    const result = await runVerify(
      {
        release: 'demo',
        local: false,
        credentials: { email: 'bob@example.com', password: 'bob-password' },
        syntheticToken: SYNTHETIC_TOKEN,
        timeoutMs: 40_000,
        width: 100,
        color: false,
      },
      { kube: () => kube, print: (line) => lines.push(line) },
    );
    // No backend given: the Jaeger Service is tried first, and it is there.
    expect(forwarded).toEqual(['tracing/demo-api-gateway:3000', 'tracing/demo-jaeger:16686']);
    expect(closed.sort()).toEqual(['demo-api-gateway', 'demo-jaeger']);
    expect(lines[0]).toBe(
      'verifying release demo in namespace tracing (Kubernetes API https://kind-control-plane:6443)',
    );
    expect(lines[1]).toMatch(/^✓ workloads ready: 1 of 1 ready \(1 Deployment, 0 StatefulSets\)/);
    expect(lines[2]).toMatch(
      /^✓ gateway and trace store reachable: gateway port-forward svc\/demo-api-gateway:3000, Jaeger port-forward svc\/demo-jaeger:16686/,
    );
    expect([...new Set(result.spans.map((s) => s.service))]).toEqual(
      expect.arrayContaining(['api-gateway', 'order-service', 'payment-service']),
    );
    expect(lines.at(-1)).toMatch(/^✓ release demo verified in /);
  });
});
