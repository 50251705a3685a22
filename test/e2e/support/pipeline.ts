/**
 * Waits until the pipeline has caught up with the traffic sent so far, so that a test's
 * "before" snapshot holds nothing of an earlier test's requests still on their way: every
 * order fulfilled by the worker, no span arriving at the collector for a while (longer than the
 * services' export delay), every trace decided by the tail sampler, and Prometheus holding the
 * collector's current counts.
 */

import { scrape, sumOf } from '@tracing-demo/otlp';
import { waitFor } from '@tracing-demo/platform';
import type { StackUrls } from './parameters.ts';
import { scalarOf } from './prometheus.ts';

const CREATED = {
  service_name: 'api-gateway',
  span_kind: 'SPAN_KIND_SERVER',
  http_route: '/api/orders',
  http_request_method: 'POST',
  http_response_status_code: '201',
};
const CONSUMED = { service_name: 'fulfillment-worker', span_kind: 'SPAN_KIND_CONSUMER' };
const CALLS = 'traces_span_metrics_calls_total';

/** Longer than the services' OTEL_BSP_SCHEDULE_DELAY (200 ms in the e2e stack) with margin. */
const QUIET_MS = 1500;

export async function pipelineIdle(stack: StackUrls): Promise<void> {
  let lastAccepted = -1;
  let quietSince = Date.now();
  await waitFor(
    'the pipeline to be idle',
    async () => {
      const [telemetry, spanMetrics] = await Promise.all([
        scrape(stack.collectorTelemetry),
        scrape(stack.collectorMetrics),
      ]);
      const accepted = sumOf(telemetry, 'otelcol_receiver_accepted_spans');
      if (accepted !== lastAccepted) {
        lastAccepted = accepted;
        quietSince = Date.now();
        return false;
      }
      const decided = sumOf(
        telemetry,
        'otelcol_processor_tail_sampling_global_count_traces_sampled',
      );
      const received = sumOf(telemetry, 'otelcol_processor_tail_sampling_new_trace_id_received');
      const created = sumOf(spanMetrics, CALLS, CREATED);
      const consumed = sumOf(spanMetrics, CALLS, CONSUMED);
      const calls = sumOf(spanMetrics, CALLS);
      const scraped = await scalarOf(stack.prometheus, `sum(${CALLS})`);
      return (
        Date.now() - quietSince >= QUIET_MS &&
        decided === received &&
        created === consumed &&
        scraped === calls
      );
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}
