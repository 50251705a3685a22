/**
 * Open-loop order traffic at a fixed rate, each request with its own x-request-id, and the
 * trace id of each request read back from the gateway's log (every log line carries trace_id;
 * the "request completed" line also has reqId), so a benchmark can look a trace up in the trace
 * store by id without searching.
 */
import { openSync, readSync } from 'node:fs';
import { ORDER_BODY } from './stack.ts';
import { sleep } from './stats.ts';

export interface SentRequest {
  index: number;
  requestId: string;
  status: number;
  /** Date.now() when the response had fully arrived. */
  endedAt: number;
  latencyMs: number;
}

export async function orderTraffic(options: {
  gatewayUrl: string;
  token: string;
  rate: number;
  seconds: number;
  prefix: string;
  onResponse?: (request: SentRequest) => void;
}): Promise<SentRequest[]> {
  const total = Math.round(options.rate * options.seconds);
  const began = performance.now();
  const body = JSON.stringify(ORDER_BODY);
  const pending: Promise<SentRequest>[] = [];
  for (let index = 0; index < total; index++) {
    const due = began + (index * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const requestId = `${options.prefix}-${index}`;
    const start = performance.now();
    pending.push(
      fetch(`${options.gatewayUrl}/api/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${options.token}`,
          'x-request-id': requestId,
        },
        body,
      }).then(async (response) => {
        await response.arrayBuffer();
        const sent: SentRequest = {
          index,
          requestId,
          status: response.status,
          endedAt: Date.now(),
          latencyMs: performance.now() - start,
        };
        options.onResponse?.(sent);
        return sent;
      }),
    );
  }
  return Promise.all(pending);
}

/** Follows a service's JSON log file and maps reqId → trace_id as lines arrive. */
export class TraceIdsFromLog {
  readonly traceIds = new Map<string, string>();
  #fd: number;
  #offset = 0;
  #rest = '';

  constructor(path: string) {
    this.#fd = openSync(path, 'r');
  }

  /** Reads whatever was appended since the last call. */
  poll(): void {
    const buffer = Buffer.alloc(1 << 16);
    for (;;) {
      const read = readSync(this.#fd, buffer, 0, buffer.length, this.#offset);
      if (read <= 0) break;
      this.#offset += read;
      const lines = (this.#rest + buffer.subarray(0, read).toString('utf8')).split('\n');
      this.#rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"trace_id"') || !line.includes('"reqId"')) continue;
        try {
          const entry = JSON.parse(line) as { reqId?: string; trace_id?: string };
          if (entry.reqId && entry.trace_id) this.traceIds.set(entry.reqId, entry.trace_id);
        } catch {}
      }
    }
  }

  async waitFor(requestId: string, timeoutMs = 5000): Promise<string | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      this.poll();
      const found = this.traceIds.get(requestId);
      if (found || performance.now() > deadline) return found;
      await sleep(20);
    }
  }
}
