import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import {
  createDatabase,
  freePort,
  type OtlpSink,
  type ServiceProcess,
  startOtlpSink,
  startServiceProcess,
} from '@tracing-demo/testkit';

const root = join(import.meta.dirname, '..', '..');

/** Values planted in requests that must never show up in spans or logs. */
export const PLANTED = {
  email: 'planted.user@example.org',
  password: 'planted-Password-7731',
  cardNumber: '4111111111111111',
};

/** The gateway's synthetic-traffic token in every stack: loadgen and trusted tests send it. */
export const SYNTHETIC_TOKEN = 'integration-synthetic-token-0123456789';

export interface Stack {
  databaseUrl: string;
  gateway: ServiceProcess;
  auth: ServiceProcess;
  order: ServiceProcess;
  payment: ServiceProcess;
  /** Only when started with an AMQP URL. */
  worker?: ServiceProcess;
  sink: OtlpSink;
  signingKeyPem: string;
  processes: ServiceProcess[];
  stop(): Promise<void>;
}

export interface StackOptions {
  amqpUrl?: string;
  /** Export spans over OTLP/HTTP there (a real collector) instead of to the stack's sink. */
  otlpEndpoint?: string;
  /** More environment for one service, e.g. payment-service's fault rates. */
  env?: Partial<
    Record<'api-gateway' | 'order-service' | 'payment-service', Record<string, string>>
  >;
}

/**
 * The four HTTP services as real processes on loopback, each loading the telemetry bootstrap
 * and exporting OTLP/JSON to a span sink, with auth and orders on a fresh database. Given a
 * RabbitMQ URL, order-service publishes through it and the fulfillment-worker runs too. The
 * gateway trusts callers sending SYNTHETIC_TOKEN; anyone else is an outside caller.
 */
export async function startStack(
  adminUrl: string,
  databaseName: string,
  options: StackOptions = {},
): Promise<Stack> {
  const sink = await startOtlpSink();
  const databaseUrl = await createDatabase(adminUrl, databaseName);
  const signingKeyPem = generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const [gatewayPort, authPort, orderPort, paymentPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const authUrl = `http://127.0.0.1:${authPort}`;
  const common = {
    OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint ?? sink.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: options.otlpEndpoint ? 'http/protobuf' : 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    LOG_LEVEL: 'info',
    AUTH_SERVICE_URL: authUrl,
  };
  const service = (name: string, port: number, env: Record<string, string> = {}) =>
    startServiceProcess({
      name,
      port,
      directory: join(root, 'services', name),
      env: { ...common, ...env },
    });

  const processes: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await sink.close();
  };
  try {
    const payment = await service('payment-service', paymentPort, options.env?.['payment-service']);
    processes.push(payment);
    const auth = await service('auth-service', authPort, {
      DATABASE_URL: databaseUrl,
      JWT_SIGNING_KEY: signingKeyPem,
      DEMO_USERS: `${PLANTED.email}:${PLANTED.password},bob@example.com:bob-password`,
    });
    processes.push(auth);
    const messaging: Record<string, string> = options.amqpUrl
      ? { AMQP_URL: options.amqpUrl, OUTBOX_POLL_MS: '200' }
      : {};
    const order = await service('order-service', orderPort, {
      DATABASE_URL: databaseUrl,
      PAYMENT_SERVICE_URL: payment.url,
      ...messaging,
      ...options.env?.['order-service'],
    });
    processes.push(order);
    let worker: ServiceProcess | undefined;
    if (options.amqpUrl) {
      worker = await service('fulfillment-worker', await freePort(), {
        DATABASE_URL: databaseUrl,
        AMQP_URL: options.amqpUrl,
        WORKER_RETRY_DELAY_MS: '50',
      });
      processes.push(worker);
    }
    const gateway = await service('api-gateway', gatewayPort, {
      ORDER_SERVICE_URL: order.url,
      RATE_LIMIT_PER_MINUTE: '10000',
      SYNTHETIC_TOKEN,
      ...options.env?.['api-gateway'],
    });
    processes.push(gateway);
    return {
      databaseUrl,
      gateway,
      auth,
      order,
      payment,
      worker,
      sink,
      signingKeyPem,
      processes,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field in tests.
  body: any;
}

export async function request(
  url: string,
  init: {
    method?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  } else if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body: parsed };
}

export async function login(stack: Stack, email = PLANTED.email, password = PLANTED.password) {
  const response = await request(`${stack.gateway.url}/api/auth/login`, {
    method: 'POST',
    body: { email, password },
  });
  if (response.status !== 200) throw new Error(`login failed: ${JSON.stringify(response.body)}`);
  return response.body.accessToken as string;
}
