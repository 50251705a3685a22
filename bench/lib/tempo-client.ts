/** The bits of Tempo's HTTP API the benchmarks use. */
import { execFileSync } from 'node:child_process';
import { scrape, sumOf } from '@tracing-demo/testkit';

/** Tempo's trace-by-id answer (OTLP JSON, ids base64), as much as is read here. */
interface TempoTrace {
  batches?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: {
      spans?: {
        spanId: string;
        status?: { code?: number | string };
        startTimeUnixNano?: string;
        endTimeUnixNano?: string;
        attributes?: { key: string; value: { boolValue?: boolean } }[];
      }[];
    }[];
  }[];
}

export interface TraceSummary {
  spans: number;
  services: string[];
  errorSpans: number;
  /** Latest end − earliest start over all spans: what the sampler's latency policy compares. */
  durationMs: number;
  /** payment-service marked the charge slow (fault injection). */
  injectedSlow: boolean;
}

/** undefined while Tempo does not know the trace (404). */
export async function traceById(
  tempoUrl: string,
  traceId: string,
): Promise<TraceSummary | undefined> {
  const response = await fetch(`${tempoUrl}/api/traces/${traceId}`, {
    headers: { accept: 'application/json' },
  });
  if (response.status === 404) {
    await response.arrayBuffer();
    return undefined;
  }
  if (response.status !== 200) {
    throw new Error(`trace ${traceId}: ${response.status} ${await response.text()}`);
  }
  const trace = (await response.json()) as TempoTrace;
  const services = new Set<string>();
  let spans = 0;
  let errorSpans = 0;
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  let injectedSlow = false;
  for (const batch of trace.batches ?? []) {
    const name = batch.resource?.attributes?.find((a) => a.key === 'service.name')?.value
      .stringValue;
    if (name) services.add(name);
    for (const scope of batch.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans++;
        const code = span.status?.code;
        if (code === 2 || code === 'STATUS_CODE_ERROR') errorSpans++;
        start = Math.min(start, Number(BigInt(span.startTimeUnixNano ?? 0) / 1000n) / 1000);
        end = Math.max(end, Number(BigInt(span.endTimeUnixNano ?? 0) / 1000n) / 1000);
        if (span.attributes?.some((a) => a.key === 'payment.slow' && a.value.boolValue)) {
          injectedSlow = true;
        }
      }
    }
  }
  return {
    spans,
    services: [...services].sort(),
    errorSpans,
    durationMs: spans > 0 ? end - start : 0,
    injectedSlow,
  };
}

/** Trace ids matching a TraceQL query (at most `limit`), over the last `sinceSeconds`. */
export async function search(
  tempoUrl: string,
  query: string,
  { limit = 1000, sinceSeconds = 3600 } = {},
): Promise<string[]> {
  const end = Math.ceil(Date.now() / 1000) + 60;
  const params = new URLSearchParams({
    q: query,
    limit: String(limit),
    start: String(end - sinceSeconds - 60),
    end: String(end),
    spss: '1',
  });
  const response = await fetch(`${tempoUrl}/api/search?${params}`, {
    headers: { accept: 'application/json' },
  });
  if (response.status !== 200)
    throw new Error(`search ${query}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { traces?: { traceID: string }[] };
  return (body.traces ?? []).map((t) => t.traceID.padStart(32, '0'));
}

/** Asks the ingester to cut and flush every block to the backend (POST /flush). */
export async function flush(tempoUrl: string): Promise<void> {
  const response = await fetch(`${tempoUrl}/flush`, { method: 'POST' });
  await response.arrayBuffer();
  if (response.status >= 300) throw new Error(`flush: ${response.status}`);
}

export interface TempoCounters {
  bytesReceived: number;
  spansReceived: number;
  tracesCreated: number;
  blocksFlushed: number;
}

export async function tempoCounters(tempoUrl: string): Promise<TempoCounters> {
  const samples = await scrape(`${tempoUrl}/metrics`);
  return {
    bytesReceived: sumOf(samples, 'tempo_distributor_bytes_received_total'),
    spansReceived: sumOf(samples, 'tempo_distributor_spans_received_total'),
    tracesCreated: sumOf(samples, 'tempo_ingester_traces_created_total'),
    blocksFlushed: sumOf(samples, 'tempo_ingester_blocks_flushed_total'),
  };
}

/** Bytes on disk under a directory (du -sb), 0 when it does not exist. */
export function directoryBytes(path: string): number {
  try {
    return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
  } catch {
    return 0;
  }
}
