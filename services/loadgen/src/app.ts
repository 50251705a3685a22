import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { registerHealthRoutes } from '@tracing-demo/service-kit';
import { Report } from './schemas/report.js';

export interface ReportSource {
  snapshot(): Report;
}

/**
 * loadgen's HTTP face: probes, and the live report of what it has sent so far. Nothing routes
 * traffic to loadgen, so ready means listening; whether the gateway answers is in the report.
 */
const loadgenApp: FastifyPluginAsyncTypebox<{ generator: ReportSource }> = async (
  app,
  { generator },
) => {
  registerHealthRoutes(app, {});
  app.get('/report', { schema: { response: { 200: Report } } }, async () => generator.snapshot());
};

export default loadgenApp;
