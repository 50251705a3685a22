import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, UnreachableError } from '../errors.js';
import { formatSeconds } from '../format.js';
import type { Span } from '../span.js';
import { fetchTrace, TraceNotFoundError } from '../tempo.js';

/** The services an order's trace must reach: the edge, the order, the payment. */
export const ORDER_SERVICES = ['api-gateway', 'order-service', 'payment-service'];

export interface WaitForTraceOptions {
  tempoUrl: string;
  traceId: string;
  /** The trace counts as arrived once it has a span from each of these. */
  services: readonly string[];
  timeoutMs: number;
  /** How often to ask Tempo (default 1 s). */
  intervalMs?: number;
  /** Called when what Tempo has changes, and at least every `progressEveryMs` (10 s). */
  onProgress?: (message: string) => void;
  progressEveryMs?: number;
  /** Tempo lookup; fetchTrace unless a test says otherwise. */
  fetch?: (tempoUrl: string, traceId: string) => Promise<Span[]>;
}

/** What Tempo has of the trace so far, in words. */
export function describeProgress(spans: readonly Span[] | undefined, services: readonly string[]) {
  if (!spans) return 'not in Tempo yet';
  const present = new Set(spans.map((s) => s.service));
  const missing = services.filter((s) => !present.has(s));
  const have = `${spans.length} span${spans.length === 1 ? '' : 's'} from ${[...present].sort().join(', ')}`;
  return missing.length === 0 ? have : `${have}; no span from ${missing.join(', ')} yet`;
}

/**
 * Polls Tempo until the trace has spans from every one of `services`, and returns it. A trace
 * not found yet, a partial trace and an unreachable Tempo are all "not yet" until the deadline;
 * then it throws with what was last seen, so the reason is concrete (not found at all: sampling
 * or export; some services missing: those services' telemetry).
 */
export async function waitForTrace(options: WaitForTraceOptions): Promise<Span[]> {
  const {
    tempoUrl,
    traceId,
    services,
    timeoutMs,
    intervalMs = 1000,
    onProgress,
    progressEveryMs = 10_000,
    fetch = fetchTrace,
  } = options;
  const started = Date.now();
  let lastMessage = '';
  let lastReport = started;
  for (;;) {
    let spans: Span[] | undefined;
    let message: string;
    try {
      spans = await fetch(tempoUrl, traceId);
      message = describeProgress(spans, services);
      const present = new Set(spans.map((s) => s.service));
      if (services.every((s) => present.has(s))) return spans;
    } catch (error) {
      if (error instanceof TraceNotFoundError) message = describeProgress(undefined, services);
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
