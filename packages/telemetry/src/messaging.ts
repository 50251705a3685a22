import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
import { recordFailure } from './spans.js';

/** One message's way through RabbitMQ, as its spans describe it. */
export interface AmqpMessage {
  exchange: string;
  routingKey: string;
  messageId: string;
  broker: { address: string; port: number };
}

const tracer = trace.getTracer('@tracing-demo/telemetry');

/** The messaging semantic conventions' attributes both ends of a message share. */
function messageAttributes(message: AmqpMessage, operation: 'send' | 'process') {
  return {
    'messaging.system': 'rabbitmq',
    'messaging.operation.type': operation,
    'messaging.destination.name': message.exchange,
    'messaging.rabbitmq.destination.routing_key': message.routingKey,
    'messaging.message.id': message.messageId,
    [ATTR_SERVER_ADDRESS]: message.broker.address,
    [ATTR_SERVER_PORT]: message.broker.port,
  };
}

/**
 * Starts the PRODUCER span of one publish, a child of `parent` (the request that wrote the
 * event), and puts its traceparent in `headers` for the consumer. Call the returned function with
 * the broker's confirm callback's error: it ends the span, failed if the broker refused. It
 * replaces the amqplib instrumentation, which gave each message a dozen attributes, half of them
 * from retired conventions (bench/README.md#findings).
 */
export function startPublishSpan(
  parent: Context,
  message: AmqpMessage,
  headers: Record<string, unknown>,
): (error?: unknown) => void {
  const span = tracer.startSpan(
    `publish ${message.exchange}`,
    { kind: SpanKind.PRODUCER, attributes: messageAttributes(message, 'send') },
    parent,
  );
  propagation.inject(trace.setSpan(parent, span), headers);
  return (error) => {
    if (error) recordFailure(span, error);
    span.end();
  };
}

/**
 * Runs `work` inside the CONSUMER span of one delivery from `queue`: a CHILD of the publish span
 * whose context the message's headers carry, so the consumer's work is part of the order's one
 * trace (a link would split it into a second trace). An error `work` throws fails the span.
 */
export async function inProcessSpan<T>(
  queue: string,
  message: AmqpMessage,
  headers: Record<string, unknown> | undefined,
  work: () => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, headers ?? {});
  const span = tracer.startSpan(
    `${queue} process`,
    { kind: SpanKind.CONSUMER, attributes: messageAttributes(message, 'process') },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}
