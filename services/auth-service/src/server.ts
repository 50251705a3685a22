import { runService } from '@tracing-demo/service-kit';
import authService from './app.js';
import { loadConfig } from './config.js';

await runService({ name: 'auth-service', plugin: authService, loadConfig });
