export { AmqpConnection, backoffDelay, type Logger } from './connection.js';
export {
  type OrderCreated,
  PoisonMessageError,
  parseOrderCreated,
} from './order-created.js';
export {
  DEAD_LETTER_QUEUE,
  declareTopology,
  FULFILLMENT_QUEUE,
  ORDER_CREATED,
  ORDERS_EXCHANGE,
} from './topology.js';
