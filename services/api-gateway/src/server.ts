import { runService } from '@tracing-demo/service-kit';
import apiGateway from './app.js';
import { loadConfig } from './config.js';

await runService({ name: 'api-gateway', plugin: apiGateway, loadConfig });
