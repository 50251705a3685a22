import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabase, type ServiceProcess, startPlatform } from '@tracing-demo/platform';
import { type OtlpSink, startOtlpSink } from '@tracing-demo/testkit';

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
 * The four HTTP services as real processes on loopback (startPlatform), each loading the
 * telemetry bootstrap and exporting OTLP/JSON to a span sink, with auth and orders on a fresh
 * database. Given a RabbitMQ URL, order-service publishes through it and the fulfillment-worker
 * runs too. The gateway trusts callers sending SYNTHETIC_TOKEN; anyone else is an outside caller.
 * Logs are in .tmp/integration/<databaseName>/.
 */
export async function startStack(
  adminUrl: string,
  databaseName: string,
  options: StackOptions = {},
): Promise<Stack> {
  const sink = await startOtlpSink();
  const logDir = join(import.meta.dirname, '..', '..', '.tmp', 'integration', databaseName);
  rmSync(logDir, { recursive: true, force: true });
  try {
    const platform = await startPlatform({
      services: [
        'auth-service',
        'payment-service',
        'order-service',
        'api-gateway',
        ...(options.amqpUrl ? ['fulfillment-worker'] : []),
      ],
      logDir,
      backends: {
        postgresql: await createDatabase(adminUrl, databaseName),
        rabbitmq: options.amqpUrl,
      },
      otlp: options.otlpEndpoint
        ? { endpoint: options.otlpEndpoint, protocol: 'http/protobuf' }
        : { endpoint: sink.url, protocol: 'http/json' },
      env: { OTEL_BSP_SCHEDULE_DELAY: '100', LOG_LEVEL: 'info' },
      serviceEnv: {
        'payment-service': { ...options.env?.['payment-service'] },
        'order-service': { OUTBOX_POLL_MS: '200', ...options.env?.['order-service'] },
        'fulfillment-worker': { WORKER_RETRY_DELAY_MS: '50' },
        'api-gateway': { RATE_LIMIT_PER_MINUTE: '10000', ...options.env?.['api-gateway'] },
      },
      demoUsers: `${PLANTED.email}:${PLANTED.password},bob@example.com:bob-password`,
      syntheticToken: SYNTHETIC_TOKEN,
    });
    const service = (name: string) => platform.services[name] as ServiceProcess;
    return {
      databaseUrl: platform.databaseUrl as string,
      gateway: service('api-gateway'),
      auth: service('auth-service'),
      order: service('order-service'),
      payment: service('payment-service'),
      worker: platform.services['fulfillment-worker'],
      sink,
      signingKeyPem: platform.signingKeyPem,
      processes: Object.values(platform.services),
      async stop() {
        await platform.stop();
        await sink.close();
      },
    };
  } catch (error) {
    await sink.close();
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
