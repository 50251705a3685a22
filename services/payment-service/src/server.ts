import { runService } from '@tracing-demo/service-kit';
import paymentService from './app.js';
import { loadConfig } from './config.js';

await runService({ name: 'payment-service', plugin: paymentService, loadConfig });
