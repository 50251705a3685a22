import { type JaegerProcess, startJaeger, waitFor } from '@tracing-demo/platform';
import { type SyntheticSpan, sendSpans } from '@tracing-demo/testkit';
import { expect } from 'vitest';
import { TraceNotFoundError, type TraceStore, traceStore } from '../../src/stores/index.js';

export const idOf = (trace: SyntheticSpan[]) => trace[0]?.traceId as string;

/** The real Jaeger, holding every span of `traces` (each readable by id before it resolves). */
export async function jaegerHolding(
  traces: SyntheticSpan[][],
): Promise<{ jaeger: JaegerProcess; store: TraceStore }> {
  const jaeger = await startJaeger();
  const store = traceStore(jaeger.url, 'jaeger');
  expect(await sendSpans(jaeger.otlpHttpUrl, traces.flat())).toBe(200);
  for (const trace of traces)
    await waitFor('the trace by id', async () => {
      try {
        return (await store.fetchTrace(idOf(trace))).length === trace.length;
      } catch (error) {
        if (error instanceof TraceNotFoundError) return false;
        throw error;
      }
    });
  return { jaeger, store };
}
