import {
  type CollectedSpan,
  type OtlpSink,
  renderTree,
  startOtlpSink,
} from '@tracing-demo/testkit';

/**
 * For running without a collector: receives the services' spans and prints each trace as a tree
 * once its root has arrived and nothing new came for `quietMs`.
 */
export async function startTracePrinter(quietMs = 1_000): Promise<OtlpSink> {
  const sink = await startOtlpSink();
  const printed = new Set<string>();
  const print = (force: boolean) => {
    const now = process.hrtime.bigint();
    const byTrace = new Map<string, CollectedSpan[]>();
    for (const span of sink.spans) {
      if (!printed.has(span.traceId))
        byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
    }
    for (const [traceId, spans] of byTrace) {
      const root = spans.find((s) => !s.parentSpanId);
      const arrivedLast = spans.reduce(
        (latest, s) => (s.receivedAt > latest ? s.receivedAt : latest),
        0n,
      );
      if (!force && (!root || now - arrivedLast < BigInt(quietMs) * 1_000_000n)) continue;
      printed.add(traceId);
      process.stdout.write(`\ntrace ${traceId}\n${renderTree(spans)}\n`);
    }
    // Keep memory flat over a long session: drop what has been printed.
    sink.spans.splice(0, sink.spans.length, ...sink.spans.filter((s) => !printed.has(s.traceId)));
    sink.rawBodies.length = 0;
  };
  const timer = setInterval(() => print(false), 250);
  const close = sink.close;
  sink.close = async () => {
    clearInterval(timer);
    print(true);
    await close();
  };
  return sink;
}
