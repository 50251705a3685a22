/**
 * The services as real processes, started the way production and test/integration/stack.ts start
 * them (`node --import @tracing-demo/telemetry/register dist/server.js` from the service's
 * folder), with two differences that matter under load: a service's stdout/stderr go straight to
 * a log file (testkit's harness keeps all output in the parent's memory, which grows by MBs a
 * second at benchmark rates), and the pid is known, for CPU accounting.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, repoPath, waitFor } from '@tracing-demo/testkit';

export const REGISTER = '@tracing-demo/telemetry/register';

export interface BenchService {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startService(options: {
  name: string;
  env: Record<string, string>;
  logFile: string;
  /** What `node --import` loads; the project's register unless a candidate replaces it. */
  register?: string;
  port?: number;
}): Promise<BenchService> {
  const port = options.port ?? (await freePort());
  const fd = openSync(options.logFile, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', options.register ?? REGISTER, 'dist/server.js'],
    {
      cwd: repoPath('services', options.name),
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(port),
        OTEL_SERVICE_NAME: options.name,
        ...options.env,
      },
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  // A spawn failure (e.g. the node binary replaced under us) must fail the start, not the run.
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  const exited = once(child, 'exit');
  const running = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (spawnError || !running()) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await waitFor(
      `${options.name} to become ready`,
      async () => {
        if (spawnError) throw spawnError;
        if (!running()) throw new Error(`${options.name} exited`);
        return (await fetch(`${url}/readyz`)).status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  } catch (error) {
    await stop();
    const tail = readFileSync(options.logFile, 'utf8').slice(-3000);
    throw new Error(`${(error as Error).message}\n--- ${options.name} log ---\n${tail}`);
  }
  return { name: options.name, url, pid: child.pid as number, stop };
}

export interface AppStack {
  gateway: BenchService;
  auth: BenchService;
  order: BenchService;
  payment: BenchService;
  worker?: BenchService;
  services: BenchService[];
  stop(): Promise<void>;
}

export interface AppStackOptions {
  databaseUrl: string;
  amqpUrl?: string;
  signingKeyPem: string;
  /** OTLP/HTTP endpoint the services export to. */
  otlpEndpoint: string;
  logDir: string;
  /** Added to every service's environment (OTEL_SDK_DISABLED, OTEL_BSP_*, …). */
  env?: Record<string, string>;
  /** Per service additions, e.g. payment faults. */
  serviceEnv?: Partial<Record<string, Record<string, string>>>;
  register?: string;
  /** Log file suffix, e.g. the variant name. */
  tag: string;
}

export const newSigningKey = () =>
  generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

/**
 * gateway → auth, gateway → order → payment, and (given an AMQP URL) the fulfillment-worker,
 * started in dependency order. The gateway's rate limit is out of the way.
 */
export async function startAppStack(options: AppStackOptions): Promise<AppStack> {
  const ports = {
    gateway: await freePort(),
    auth: await freePort(),
    order: await freePort(),
    payment: await freePort(),
  };
  const urlOf = (port: number) => `http://127.0.0.1:${port}`;
  const common: Record<string, string> = {
    OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
    LOG_LEVEL: 'info',
    DATABASE_URL: options.databaseUrl,
    AUTH_SERVICE_URL: urlOf(ports.auth),
    ORDER_SERVICE_URL: urlOf(ports.order),
    PAYMENT_SERVICE_URL: urlOf(ports.payment),
    JWT_SIGNING_KEY: options.signingKeyPem,
    JWT_TTL_SECONDS: '86400',
    RATE_LIMIT_PER_MINUTE: '100000000',
    ...(options.amqpUrl ? { AMQP_URL: options.amqpUrl } : {}),
    ...options.env,
  };
  const started: BenchService[] = [];
  const stop = async () => {
    // The gateway first, the leaves last: nothing is cut off mid-request.
    for (const service of [...started].reverse()) await service.stop();
  };
  const start = async (name: string, port?: number) => {
    const service = await startService({
      name,
      port,
      env: { ...common, ...options.serviceEnv?.[name] },
      logFile: join(options.logDir, `${name}.${options.tag}.log`),
      register: options.register,
    });
    started.push(service);
    return service;
  };
  try {
    const [payment, auth] = await Promise.all([
      start('payment-service', ports.payment),
      start('auth-service', ports.auth),
    ]);
    const [order, worker] = await Promise.all([
      start('order-service', ports.order),
      options.amqpUrl ? start('fulfillment-worker') : Promise.resolve(undefined),
    ]);
    const gateway = await start('api-gateway', ports.gateway);
    return {
      gateway,
      auth,
      order,
      payment,
      worker,
      services: [...started],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export const ORDER_BODY = {
  items: [
    { sku: 'SKU-COFFEE', quantity: 2 },
    { sku: 'SKU-FILTER', quantity: 1 },
  ],
  paymentMethod: 'card',
  cardNumber: '4242424242424242',
};

export const DEMO_USER = { email: 'alice@example.com', password: 'alice-password' };

export async function login(gatewayUrl: string): Promise<string> {
  const response = await fetch(`${gatewayUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(DEMO_USER),
  });
  const body = (await response.json()) as { accessToken?: string };
  if (response.status !== 200 || !body.accessToken) {
    throw new Error(`login failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.accessToken;
}

export async function placeOrder(
  gatewayUrl: string,
  token: string,
): Promise<{ status: number; id?: string; requestId: string | null }> {
  const response = await fetch(`${gatewayUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(ORDER_BODY),
  });
  const body = (await response.json()) as { id?: string };
  return { status: response.status, id: body.id, requestId: response.headers.get('x-request-id') };
}
