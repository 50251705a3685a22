import { runService } from '@tracing-demo/service-kit';
import orderService from './app.js';
import { loadConfig } from './config.js';

await runService({ name: 'order-service', plugin: orderService, loadConfig });
