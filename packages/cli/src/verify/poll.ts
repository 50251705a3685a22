import { setTimeout as sleep } from 'node:timers/promises';
import type { Span } from '@tracing-demo/otlp';
import { CliError, UnreachableError } from '../errors.js';
import { formatSeconds } from '../format.js';
import { BACKEND_NAMES, TraceNotFoundError, type TraceStore } from '../stores/index.js';

/** The services an order's trace must reach: the edge, the order, the payment. */
export const ORDER_SERVICES = ['api-gateway', 'order-service', 'payment-service'];

export interface WaitForTraceOptions {
  /** Where to look: Jaeger or Tempo. */
  store: TraceStore;
  traceId: string;
  /** The trace counts as arrived once it has a span from each of these. */
  services: readonly string[];
  timeoutMs: number;
  /** How often to ask the store (default 1 s). */
  intervalMs?: number;
  /** Called when what the store has changes, and at least every `progressEveryMs` (10 s). */
  onProgress?: (message: string) => void;
  progressEveryMs?: number;
}

/** What the store (`Jaeger`, `Tempo`) has of the trace so far, in words. */
export function describeProgress(
  spans: readonly Span[] | undefined,
  services: readonly string[],
  storeName = 'the trace store',
) {
  if (!spans) return `not in ${storeName} yet`;
  const present = new Set(spans.map((s) => s.service));
  const missing = services.filter((s) => !present.has(s));
  const have = `${spans.length} span${spans.length === 1 ? '' : 's'} from ${[...present].sort().join(', ')}`;
  return missing.length === 0 ? have : `${have}; no span from ${missing.join(', ')} yet`;
}

/**
 * Polls the store until the trace has spans from every one of `services`, and returns it. A trace
 * not found yet, a partial trace and an unreachable store are all "not yet" until the deadline;
 * then it throws with what was last seen, so the reason is concrete (not found at all: sampling
 * or export; some services missing: those services' telemetry).
 */
export async function waitForTrace(options: WaitForTraceOptions): Promise<Span[]> {
  const {
    store,
    traceId,
    services,
    timeoutMs,
    intervalMs = 1000,
    onProgress,
    progressEveryMs = 10_000,
  } = options;
  const storeName = BACKEND_NAMES[store.backend];
  const started = Date.now();
  let lastMessage = '';
  let lastReport = started;
  for (;;) {
    let spans: Span[] | undefined;
    let message: string;
    try {
      spans = await store.fetchTrace(traceId);
      message = describeProgress(spans, services, storeName);
      const present = new Set(spans.map((s) => s.service));
      if (services.every((s) => present.has(s))) return spans;
    } catch (error) {
      if (error instanceof TraceNotFoundError)
        message = describeProgress(undefined, services, storeName);
      else if (error instanceof UnreachableError) message = error.message;
      else throw error;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs)
      throw new CliError(
        `trace ${traceId} incomplete after ${formatSeconds(timeoutMs)}: ${message}` +
          (spans ? '' : ' (was it exported to the collector and kept by tail sampling?)'),
      );
    if (onProgress && (message !== lastMessage || Date.now() - lastReport >= progressEveryMs)) {
      onProgress(`${formatSeconds(elapsed)}: ${message}`);
      lastMessage = message;
      lastReport = Date.now();
    }
    await sleep(Math.min(intervalMs, Math.max(0, timeoutMs - elapsed)));
  }
}
