/**
 * The services for a benchmark: startPlatform with the backends already running (their URLs),
 * services logging straight to files (<name>.<tag>.log) with their pids known, for CPU
 * accounting.
 */
import { type ServiceProcess, startPlatform } from '@tracing-demo/platform';

export interface AppStack {
  gateway: ServiceProcess;
  auth: ServiceProcess;
  order: ServiceProcess;
  payment: ServiceProcess;
  worker?: ServiceProcess;
  services: ServiceProcess[];
  stop(): Promise<void>;
}

export interface AppStackOptions {
  databaseUrl: string;
  amqpUrl?: string;
  /** OTLP/HTTP endpoint the services export to. */
  otlpEndpoint: string;
  logDir: string;
  /** Added to every service's environment (OTEL_SDK_DISABLED, OTEL_BSP_*, …). */
  env?: Record<string, string>;
  /** Per service additions, e.g. payment faults. */
  serviceEnv?: Record<string, Record<string, string>>;
  register?: string;
  /** Log file suffix, e.g. the variant name. */
  tag: string;
}

/**
 * gateway → auth, gateway → order → payment, and (given an AMQP URL) the fulfillment-worker.
 * The gateway's rate limit is out of the way; tokens last a day.
 */
export async function startAppStack(options: AppStackOptions): Promise<AppStack> {
  const platform = await startPlatform({
    services: [
      'auth-service',
      'payment-service',
      'order-service',
      'api-gateway',
      ...(options.amqpUrl ? ['fulfillment-worker'] : []),
    ],
    logDir: options.logDir,
    logTag: options.tag,
    backends: { postgresql: options.databaseUrl, rabbitmq: options.amqpUrl },
    otlp: { endpoint: options.otlpEndpoint },
    env: {
      LOG_LEVEL: 'info',
      JWT_TTL_SECONDS: '86400',
      RATE_LIMIT_PER_MINUTE: '100000000',
      ...options.env,
    },
    serviceEnv: options.serviceEnv,
    register: options.register,
  });
  const service = (name: string) => platform.services[name] as ServiceProcess;
  return {
    gateway: service('api-gateway'),
    auth: service('auth-service'),
    order: service('order-service'),
    payment: service('payment-service'),
    worker: platform.services['fulfillment-worker'],
    services: Object.values(platform.services),
    stop: platform.stop,
  };
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
