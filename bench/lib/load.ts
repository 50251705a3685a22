/**
 * HTTP load with autocannon, latencies kept exactly: autocannon's own histogram has 1 ms
 * resolution, too coarse for "added microseconds per hop", so every 2xx response time is
 * recorded here from its `response` event (hrtime-based, in ms with fractions).
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /** Requests per second over all connections; unset: as fast as the connections go. */
  overallRate?: number;
  keepSamples?: boolean;
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

export interface LoadResult {
  /** Completed requests (any status). */
  requests: number;
  /**
   * Requests sent: also those still in flight when the load stopped, which the services finish
   * after it (what CPU per request divides by).
   */
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  /** 2xx responses per second. */
  rps: number;
  /** Of 2xx responses, ms. */
  latency: Latency;
  /** Every 2xx response time (ms), to pool interleaved slices; dropped before results are saved. */
  samples?: number[];
}

/** One result from several slices of the same load (interleaved with another target's). */
export function pooled(slices: LoadResult[]): LoadResult {
  const samples = slices.flatMap((s) => s.samples ?? []);
  const seconds = slices.reduce((a, s) => a + s.seconds, 0);
  const ok = slices.reduce((a, s) => a + s.ok, 0);
  return {
    requests: slices.reduce((a, s) => a + s.requests, 0),
    sent: slices.reduce((a, s) => a + s.sent, 0),
    ok,
    non2xx: slices.reduce((a, s) => a + s.non2xx, 0),
    errors: slices.reduce((a, s) => a + s.errors, 0),
    timeouts: slices.reduce((a, s) => a + s.timeouts, 0),
    seconds,
    rps: ok / seconds,
    latency: latencyOf(samples),
  };
}

export function percentile(sorted: Float64Array | number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] as number;
}

export function latencyOf(values: number[]): Latency {
  const sorted = Float64Array.from(values).sort();
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    mean: values.length ? sum / values.length : Number.NaN,
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
  };
}

export function drive(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        headers: options.headers,
        body: options.body,
        connections: options.connections,
        duration: options.durationSeconds,
        overallRate: options.overallRate,
        timeout: 20,
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = (performance.now() - began) / 1000;
        resolve({
          requests: ok + non2xx,
          sent: Math.max(ok + non2xx, result.requests.sent),
          ok,
          non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          seconds,
          rps: ok / seconds,
          latency: latencyOf(latencies),
          ...(options.keepSamples ? { samples: latencies } : {}),
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) {
        ok++;
        latencies.push(responseTime);
      } else {
        non2xx++;
      }
    });
  });
}
