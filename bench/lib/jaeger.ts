/**
 * What the benchmarks read from the real Jaeger: traces through the CLI library's TraceStore,
 * Jaeger's own counters (its /metrics) and the disk its badger directory really uses.
 */
import { readdirSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  TraceNotFoundError,
  type TraceQuery,
  type TraceStore,
  traceStore,
} from '@tracing-demo/cli';
import { type Span, scrape, sumOf } from '@tracing-demo/otlp';

export const jaegerStore = (url: string): TraceStore => traceStore(url, 'jaeger');

/** One trace as the sampler's policies see it. */
export interface TraceShape {
  spans: number;
  services: string[];
  errorSpans: number;
  /** Latest end − earliest start over all spans: what the sampler's latency policy compares. */
  durationMs: number;
  /** The longest single span: what Jaeger's minDuration search compares. */
  longestSpanMs: number;
  /** payment-service marked the charge slow (fault injection). */
  injectedSlow: boolean;
}

export function shapeOf(spans: Span[]): TraceShape {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let longest = 0;
  for (const span of spans) {
    start = Math.min(start, span.startMs);
    end = Math.max(end, span.endMs);
    longest = Math.max(longest, span.durationMs);
  }
  return {
    spans: spans.length,
    services: [...new Set(spans.map((s) => s.service))].sort(),
    errorSpans: spans.filter((s) => s.status.code === 'ERROR').length,
    durationMs: spans.length > 0 ? end - start : 0,
    longestSpanMs: longest,
    injectedSlow: spans.some((s) => s.attributes['payment.slow'] === true),
  };
}

/** undefined while the store does not have the trace. */
export async function traceById(
  store: TraceStore,
  traceId: string,
): Promise<TraceShape | undefined> {
  try {
    return shapeOf(await store.fetchTrace(traceId));
  } catch (error) {
    if (error instanceof TraceNotFoundError) return undefined;
    throw error;
  }
}

/** Trace ids matching a query in any service (Jaeger searches one service at a time). */
export async function searchIds(
  store: TraceStore,
  query: Omit<TraceQuery, 'service'>,
): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const service of await store.services()) {
    for (const trace of await store.search({ ...query, service })) {
      ids.add(trace.traceId.toLowerCase().padStart(32, '0'));
    }
  }
  return ids;
}

/** Jaeger's own telemetry: its OTLP receiver, the storage exporter and badger's write counters. */
export interface JaegerCounters {
  spansAccepted: number;
  /** Spans the storage exporter wrote, and those it failed to write. */
  spansWritten: number;
  writeFailed: number;
  /** The OTLP protobuf size of what was written (the batch processor before the exporter). */
  otlpBytes: number;
  /** Keys and values badger was asked to write: the spans and their index entries. */
  badgerBytesWritten: number;
  badgerKeysWritten: number;
}

export async function jaegerCounters(metricsUrl: string): Promise<JaegerCounters> {
  const samples = await scrape(metricsUrl);
  return {
    spansAccepted: sumOf(samples, 'otelcol_receiver_accepted_spans_total'),
    spansWritten: sumOf(samples, 'otelcol_exporter_sent_spans_total', {
      exporter: 'jaeger_storage_exporter',
    }),
    writeFailed: sumOf(samples, 'otelcol_exporter_send_failed_spans_total', {
      exporter: 'jaeger_storage_exporter',
    }),
    otlpBytes: sumOf(samples, 'otelcol_processor_batch_batch_send_size_bytes_sum'),
    badgerBytesWritten: sumOf(samples, 'jaeger_storage_badger_write_bytes_user'),
    badgerKeysWritten: sumOf(samples, 'jaeger_storage_badger_put_num_user'),
  };
}

/**
 * Disk really used under a directory: allocated blocks, as `du` counts them. Badger's value log
 * and memtable files are sparse (GiB apparent, little allocated), so their sizes mean nothing.
 */
export function allocatedBytes(path: string): number {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  let total = stats.blocks * 512;
  if (stats.isDirectory()) {
    for (const entry of readdirSync(path)) total += allocatedBytes(join(path, entry));
  }
  return total;
}
