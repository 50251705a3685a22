import { runService } from '@tracing-demo/service-kit';
import fulfillmentWorker from './app.js';
import { loadConfig } from './config.js';

await runService({ name: 'fulfillment-worker', plugin: fulfillmentWorker, loadConfig });
