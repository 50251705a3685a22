/**
 * Run by test/cluster/chart-on-node.test.ts inside the node, against the release, right after
 * `helm upgrade --set collector.sampling.baselinePercent=100`: the rolled collector keeps every
 * ordinary trace now. Under the installed 20 % (cluster/e2e-values.yaml), 12 of 12 kept had a
 * chance of 0.2^12 (4e-9), and the baseline policy's own votes say the same directly.
 */
import { describe, expect, inject, it } from 'vitest';
import { gatewayClient } from '../../e2e/support/client.ts';
import { decisions } from '../../e2e/support/collector.ts';
import { jaegerStore, waitForTrace } from '../../e2e/support/jaeger.ts';
import { pipelineIdle } from '../../e2e/support/pipeline.ts';

const stack = inject('stack');
const client = gatewayClient(stack.gateway, stack.collectorOtlpHttp);
const store = jaegerStore(stack.jaeger);
const FLOWS = 12;

describe('the upgraded release', () => {
  it('keeps every ordinary trace under the new baseline (100 %)', async () => {
    await pipelineIdle(stack);
    const before = await decisions(stack.collectorTelemetry);
    const flows = [];
    for (let i = 0; i < FLOWS; i++) flows.push(await client.loginAndOrder());
    expect(flows.map((flow) => flow.order.status)).toEqual(Array(FLOWS).fill(201));
    for (const flow of flows) {
      await waitForTrace(store, flow.traceId, (spans) => spans.length > 1);
    }
    await pipelineIdle(stack);
    const after = await decisions(stack.collectorTelemetry);
    expect(after.baselineSampled - before.baselineSampled).toBe(FLOWS);
    expect(after.baselineNotSampled - before.baselineNotSampled).toBe(0);
  });
});
