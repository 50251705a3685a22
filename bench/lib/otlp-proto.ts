/**
 * Pre-encoded OTLP/protobuf export requests shaped like the platform's real traffic, for the
 * collector capacity benchmark's generator. A hand-written encoder (a dozen message types of
 * opentelemetry-proto's trace.proto) builds each request once; sending one is a memcpy plus new
 * trace ids written at offsets found once, so the generator spends its time on HTTP, not on
 * encoding.
 *
 * The trace is the order flow as the services emit it (captured from a real run): 16 spans over
 * four services, with the same span names, kinds, attribute keys and value sizes, and the
 * resource the register sends from a pod the chart deployed. (31 until issue 9, 23 then 18
 * during issue 20: bench/README.md.)
 */
import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';
import { type SpanKind, spanKindNumber } from '@tracing-demo/otlp';

// ---- protobuf wire format --------------------------------------------------------------------

function varint(value: number | bigint): Buffer {
  let v = BigInt(value);
  const bytes: number[] = [];
  while (v > 0x7fn) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
  return Buffer.from(bytes);
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const lengthDelimited = (field: number, payload: Buffer) =>
  Buffer.concat([key(field, 2), varint(payload.length), payload]);
const message = (field: number, parts: Buffer[]) => lengthDelimited(field, Buffer.concat(parts));
const string = (field: number, value: string) => lengthDelimited(field, Buffer.from(value, 'utf8'));
const uint = (field: number, value: number) => Buffer.concat([key(field, 0), varint(value)]);
function fixed64(field: number, value: bigint): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeBigUInt64LE(value);
  return Buffer.concat([key(field, 1), payload]);
}
function double(field: number, value: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeDoubleLE(value);
  return Buffer.concat([key(field, 1), payload]);
}

export type Value = string | number | boolean | string[];

function anyValue(value: Value): Buffer[] {
  if (typeof value === 'string') return [string(1, value)];
  if (typeof value === 'boolean') return [uint(2, value ? 1 : 0)];
  if (Array.isArray(value))
    return [
      message(
        5,
        value.map((v) => message(1, anyValue(v))),
      ),
    ];
  return Number.isInteger(value) && value >= 0 ? [uint(3, value)] : [double(4, value)];
}

const keyValue = (field: number, name: string, value: Value) =>
  message(field, [string(1, name), message(2, anyValue(value))]);

// ---- the order trace -------------------------------------------------------------------------

interface SpanShape {
  service: string;
  scope: string;
  name: string;
  kind: SpanKind;
  /** Index of the parent in the trace's span list; undefined for the root. */
  parent?: number;
  /** Start offset and duration as fractions of the trace's duration. */
  at: [number, number];
  attributes: Record<string, Value>;
  /** Which spans fail in an error trace. */
  failsOnError?: boolean;
}

const SCOPES = {
  fastify: '@fastify/otel',
  client: '@tracing-demo/telemetry',
  pg: '@tracing-demo/telemetry/pg',
  messaging: '@tracing-demo/telemetry',
};

const uuid = () => randomUUID();
const ports = { order: 3002, payment: 3003, pg: 5432, amqp: 5672 };

/** @fastify/otel's SERVER span, as packages/telemetry's describeServerSpan completes it. */
function server(path: string, extra: Record<string, Value> = {}) {
  return {
    'fastify.root': '@fastify/otel',
    'http.request.method': 'POST',
    'url.path': path,
    'http.route': path,
    'url.scheme': 'http',
    'app.request.id': uuid(),
    'http.response.status_code': 201,
    ...extra,
  };
}

function client(path: string, port: number) {
  return {
    'http.request.method': 'POST',
    'server.address': '127.0.0.1',
    'server.port': port,
    'url.full': `http://127.0.0.1:${port}${path}`,
    'http.response.status_code': 201,
  };
}

const pg = (text: string) => ({
  'db.system.name': 'postgresql',
  'db.namespace': 'tracing_demo',
  'server.address': '127.0.0.1',
  'server.port': ports.pg,
  'db.query.text': text,
});
/** packages/telemetry's startPublishSpan / inProcessSpan (the same message id at both ends). */
const amqp = (operation: 'send' | 'process', messageId: string) => ({
  'messaging.system': 'rabbitmq',
  'messaging.operation.type': operation,
  'messaging.destination.name': 'orders',
  'messaging.rabbitmq.destination.routing_key': 'order.created',
  'messaging.message.id': messageId,
  'server.address': '127.0.0.1',
  'server.port': ports.amqp,
});

const INSERT_ORDER = `INSERT INTO orders (id, user_id, status, items, subtotal_cents, shipping_cents, total_cents,
                           currency, payment_method, payment_id)
       VALUES ($1, $2, 'paid', $3, $4, $5, $6, $7, $8, $9)
       RETURNING id, status, items, subtotal_cents, shipping_cents, total_cents, currency, payment_method, created_at`;

/** The order flow's spans (what the integration test asserts, plus pg and worker spans). */
function orderTrace(): SpanShape[] {
  const G = 'api-gateway';
  const O = 'order-service';
  const P = 'payment-service';
  const W = 'fulfillment-worker';
  const order = { 'order.id': uuid() };
  const user = { 'user.id': uuid() };
  const messageId = uuid();
  const shapes: SpanShape[] = [
    /* 0 */ {
      service: G,
      scope: SCOPES.fastify,
      name: 'POST /api/orders',
      kind: 'SERVER',
      at: [0, 1],
      attributes: server('/api/orders', user),
      failsOnError: true,
    },
    /* 1 */ {
      service: G,
      scope: SCOPES.client,
      name: 'POST',
      kind: 'CLIENT',
      parent: 0,
      at: [0.03, 0.9],
      attributes: client('/orders', ports.order),
    },
    /* 2 */ {
      service: O,
      scope: SCOPES.fastify,
      name: 'POST /orders',
      kind: 'SERVER',
      parent: 1,
      at: [0.05, 0.85],
      attributes: {
        ...server('/orders', user),
        ...order,
        'order.item_count': 2,
        'payment.method': 'card',
        'order.shipping': 4.99,
        'order.total': 60.96,
      },
      failsOnError: true,
    },
    /* 3 */ {
      service: O,
      scope: SCOPES.client,
      name: 'POST',
      kind: 'CLIENT',
      parent: 2,
      at: [0.12, 0.38],
      attributes: client('/charges', ports.payment),
    },
    /* 4 */ {
      service: P,
      scope: SCOPES.fastify,
      name: 'POST /charges',
      kind: 'SERVER',
      parent: 3,
      at: [0.13, 0.35],
      attributes: server('/charges'),
      failsOnError: true,
    },
    /* 5 */ {
      service: P,
      scope: P,
      name: 'chargePayment',
      kind: 'INTERNAL',
      parent: 4,
      at: [0.16, 0.29],
      attributes: {
        ...order,
        'payment.method': 'card',
        'payment.amount': 60.96,
        'payment.currency': 'USD',
        'payment.status': 'approved',
        'payment.charge_id': `ch_${uuid()}`,
      },
      failsOnError: true,
    },
    /* 6 */ {
      service: O,
      scope: SCOPES.pg,
      name: 'pg.query:INSERT tracing_demo',
      kind: 'CLIENT',
      parent: 2,
      at: [0.6, 0.06],
      attributes: pg(INSERT_ORDER),
    },
    /* 7 */ {
      service: O,
      scope: SCOPES.pg,
      name: 'pg.query:INSERT tracing_demo',
      kind: 'CLIENT',
      parent: 2,
      at: [0.67, 0.03],
      attributes: pg(
        'INSERT INTO outbox (id, event_type, payload, trace_context) VALUES ($1, $2, $3, $4)',
      ),
    },
    /* 8 */ {
      service: O,
      scope: SCOPES.messaging,
      name: 'publish orders',
      kind: 'PRODUCER',
      parent: 2,
      at: [0.9, 0.05],
      attributes: amqp('send', messageId),
    },
    /* 9 */ {
      service: W,
      scope: SCOPES.messaging,
      name: 'fulfillment.order-created process',
      kind: 'CONSUMER',
      parent: 8,
      at: [0.93, 0.06],
      attributes: amqp('process', messageId),
    },
    /* 10 */ {
      service: W,
      scope: W,
      name: 'fulfillOrder',
      kind: 'INTERNAL',
      parent: 9,
      at: [0.935, 0.05],
      attributes: {
        ...order,
        'order.item_count': 2,
        'messaging.message.id': messageId,
        'fulfillment.result': 'fulfilled',
      },
    },
    /* 11 */ {
      service: W,
      scope: SCOPES.pg,
      name: 'pg.query:INSERT tracing_demo',
      kind: 'CLIENT',
      parent: 10,
      at: [0.947, 0.008],
      attributes: pg(
        'INSERT INTO fulfillments (order_id, message_id) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING',
      ),
    },
    /* 12 */ {
      service: W,
      scope: SCOPES.pg,
      name: 'pg.query:INSERT tracing_demo',
      kind: 'CLIENT',
      parent: 10,
      at: [0.956, 0.008],
      attributes: pg(
        'INSERT INTO stock_reservations (sku, reserved) VALUES ($1, $2)\n         ON CONFLICT (sku) DO UPDATE SET reserved = stock_reservations.reserved + EXCLUDED.reserved',
      ),
    },
    /* 13 */ {
      service: W,
      scope: SCOPES.pg,
      name: 'pg.query:INSERT tracing_demo',
      kind: 'CLIENT',
      parent: 10,
      at: [0.965, 0.008],
      attributes: pg(
        'INSERT INTO stock_reservations (sku, reserved) VALUES ($1, $2)\n         ON CONFLICT (sku) DO UPDATE SET reserved = stock_reservations.reserved + EXCLUDED.reserved',
      ),
    },
    /* 14 */ {
      service: W,
      scope: SCOPES.pg,
      name: 'pg.query:UPDATE tracing_demo',
      kind: 'CLIENT',
      parent: 10,
      at: [0.974, 0.008],
      attributes: pg("UPDATE orders SET status = 'fulfilled' WHERE id = $1"),
    },
  ];
  return shapes;
}

export const SPANS_PER_TRACE = orderTrace().length;

/** The resource the register sends from a pod the chart deployed (OTEL_RESOURCE_ATTRIBUTES). */
function resource(service: string): Buffer {
  const podUid = uuid();
  const pod = `${service}-7d9f8c6b5-x2x4q`;
  const attributes: Record<string, Value> = {
    'service.name': service,
    'service.instance.id': podUid,
    'service.version': '0.1.0',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.version': '3.1.1',
    'process.pid': 1,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': '24.9.0',
    'k8s.pod.name': pod,
    'k8s.pod.uid': podUid,
    'k8s.pod.ip': '10.244.0.17',
    'k8s.namespace.name': 'tracing-demo',
    'k8s.node.name': 'node-1',
    'k8s.deployment.name': `tracing-demo-${service}`,
  };
  return Buffer.concat(Object.entries(attributes).map(([k, v]) => keyValue(1, k, v)));
}

export type TraceKind = 'normal' | 'error' | 'slow';

/** Placeholder trace ids: 16 random bytes each, found again in the finished buffer. */
interface EncodedTrace {
  placeholder: Buffer;
}

function encodeSpan(
  shape: SpanShape,
  index: number,
  traceId: Buffer,
  spanIds: Buffer[],
  kind: TraceKind,
  startNs: bigint,
  durationNs: bigint,
): Buffer {
  const [offset, share] = shape.at;
  const start = startNs + BigInt(Math.round(Number(durationNs) * offset));
  const end = start + BigInt(Math.max(1000, Math.round(Number(durationNs) * share)));
  const failed = kind === 'error' && shape.failsOnError === true;
  const parts: Buffer[] = [
    lengthDelimited(1, traceId),
    lengthDelimited(2, spanIds[index] as Buffer),
  ];
  if (shape.parent !== undefined) parts.push(lengthDelimited(4, spanIds[shape.parent] as Buffer));
  parts.push(
    string(5, shape.name),
    uint(6, spanKindNumber(shape.kind)),
    fixed64(7, start),
    fixed64(8, end),
  );
  const attributes = { ...shape.attributes };
  if (failed && 'http.response.status_code' in attributes) {
    attributes['http.response.status_code'] = 502;
    attributes['error.type'] = '502';
  }
  if (failed && shape.name === 'chargePayment') attributes['payment.status'] = 'failed';
  for (const [k, v] of Object.entries(attributes)) parts.push(keyValue(9, k, v));
  if (failed && shape.name === 'chargePayment') {
    parts.push(
      message(11, [
        fixed64(1, end),
        string(2, 'exception'),
        keyValue(3, 'exception.type', 'HttpError'),
        keyValue(3, 'exception.message', 'payment processor unavailable (injected fault)'),
        keyValue(
          3,
          'exception.stacktrace',
          'HttpError: payment processor unavailable (injected fault)\n    at file:///app/services/payment-service/dist/routes/charges.js:33:27\n    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
        ),
      ]),
    );
  }
  parts.push(message(15, failed ? [string(2, 'payment processor unavailable'), uint(3, 2)] : []));
  return message(2, parts);
}

export interface PreparedRequest {
  body: Buffer;
  spans: number;
  traces: number;
  kinds: Record<TraceKind, number>;
  /** Where each trace's id sits in `body`, per trace. */
  traceIdOffsets: number[][];
}

/**
 * One export request holding `traces` whole order traces grouped by service and scope (as an
 * SDK batch from five services' collectors would), each trace of the given kind.
 */
export function prepareRequest(kinds: TraceKind[], nowNs: bigint): PreparedRequest {
  const traces: EncodedTrace[] = [];
  const byService = new Map<string, Map<string, Buffer[]>>();
  const counts: Record<TraceKind, number> = { normal: 0, error: 0, slow: 0 };
  let spans = 0;
  for (const kind of kinds) {
    counts[kind]++;
    const shapes = orderTrace();
    const placeholder = randomBytes(16);
    traces.push({ placeholder });
    const spanIds = shapes.map(() => randomBytes(8));
    const durationNs = BigInt(kind === 'slow' ? 1_500_000_000 : 30_000_000);
    const startNs = nowNs - durationNs - 100_000_000n;
    shapes.forEach((shape, index) => {
      const scopes = byService.get(shape.service) ?? new Map<string, Buffer[]>();
      byService.set(shape.service, scopes);
      const list = scopes.get(shape.scope) ?? [];
      scopes.set(shape.scope, list);
      list.push(encodeSpan(shape, index, placeholder, spanIds, kind, startNs, durationNs));
      spans++;
    });
  }
  const resourceSpans = [...byService].map(([service, scopes]) =>
    message(1, [
      message(1, [resource(service)]),
      ...[...scopes].map(([scope, list]) =>
        message(2, [message(1, [string(1, scope), string(2, '0.301.0')]), ...list]),
      ),
    ]),
  );
  const body = Buffer.concat(resourceSpans);
  const traceIdOffsets = traces.map(({ placeholder }) => {
    const offsets: number[] = [];
    for (let at = body.indexOf(placeholder); at !== -1; at = body.indexOf(placeholder, at + 16)) {
      offsets.push(at);
    }
    return offsets;
  });
  return { body, spans, traces: kinds.length, kinds: counts, traceIdOffsets };
}

/** A copy of the request with fresh, random trace ids (the same id at every span of a trace). */
export function withFreshTraceIds(request: PreparedRequest, scratch = Buffer.alloc(16)): Buffer {
  const body = Buffer.from(request.body);
  for (const offsets of request.traceIdOffsets) {
    randomFillSync(scratch);
    for (const offset of offsets) scratch.copy(body, offset);
  }
  return body;
}

/**
 * `count` requests of `tracesPerRequest` traces whose kinds follow the mix exactly over the set
 * (1% errors and 2% slow of 100 requests × 8 traces: 8 error and 16 slow traces).
 */
export function prepareRequests(
  count: number,
  tracesPerRequest: number,
  mix: { error: number; slow: number },
): PreparedRequest[] {
  const total = count * tracesPerRequest;
  const kinds: TraceKind[] = Array.from({ length: total }, (_, i) =>
    i < Math.round(total * mix.error)
      ? 'error'
      : i < Math.round(total * (mix.error + mix.slow))
        ? 'slow'
        : 'normal',
  );
  // Spread the special traces over the requests (a fixed shuffle, reproducible enough).
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [kinds[i], kinds[j]] = [kinds[j] as TraceKind, kinds[i] as TraceKind];
  }
  const now = BigInt(Date.now()) * 1_000_000n;
  return Array.from({ length: count }, (_, r) =>
    prepareRequest(kinds.slice(r * tracesPerRequest, (r + 1) * tracesPerRequest), now),
  );
}
