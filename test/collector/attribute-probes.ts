import { SpanKind } from '@tracing-demo/otlp';
import { waitFor } from '@tracing-demo/platform';
import {
  type CollectedSpan,
  newSpanId,
  newTraceId,
  type SamplingCollector,
  type SyntheticSpan,
  sendSpans,
  startSamplingCollector,
} from '@tracing-demo/testkit';

export type ProbeAttributes = Record<string, string>;

export interface AttributeProbes {
  /** What the attributes of probe `index` (in the order given) became in the exported trace. */
  exported(index: number): CollectedSpan['attributes'];
  stop(): Promise<void>;
}

/**
 * Sends attribute sets through the real collector (collector/otel-collector.yaml, every trace
 * kept) as one trace: a root SERVER span and one INTERNAL child per set, each set alone on its
 * span, so every processor sees it on its own. Resolves once the whole trace is exported.
 */
export async function probeAttributes(sets: ProbeAttributes[]): Promise<AttributeProbes> {
  const sampling: SamplingCollector = await startSamplingCollector({
    SAMPLING_BASELINE_PERCENT: '100',
    SAMPLING_WAIT_AFTER_ROOT: '1s',
  });
  try {
    const traceId = newTraceId();
    const rootId = newSpanId();
    const now = Date.now() - 100;
    const span = (spanId: string, attributes: ProbeAttributes, parentSpanId?: string) =>
      ({
        traceId,
        spanId,
        ...(parentSpanId ? { parentSpanId } : {}),
        service: 'api-gateway',
        name: parentSpanId ? 'probe' : 'GET /probe',
        kind: parentSpanId ? SpanKind.INTERNAL : SpanKind.SERVER,
        startMs: now,
        durationMs: 10,
        attributes,
      }) satisfies SyntheticSpan;
    const probes = sets.map((attributes) => span(newSpanId(), attributes, rootId));
    const spans = [span(rootId, {}), ...probes];
    const status = await sendSpans(sampling.collector.otlpHttpUrl, spans);
    if (status !== 200) throw new Error(`the collector answered ${status} to the probes`);
    const sink = sampling.store;
    await waitFor(
      'the probe trace to be exported',
      () => sink.trace(traceId).length === spans.length,
    );
    const byId = new Map(sink.trace(traceId).map((s) => [s.spanId, s.attributes]));
    return {
      exported(index) {
        const attributes = byId.get(probes[index]?.spanId ?? '');
        if (!attributes) throw new Error(`no probe ${index} in the exported trace`);
        return attributes;
      },
      stop: () => sampling.stop(),
    };
  } catch (error) {
    await sampling.stop();
    throw error;
  }
}
