import { CliError } from '../errors.js';
import { bodySnippet, request } from '../http.js';
import { jaegerStore } from './jaeger.js';
import {
  BACKEND_NAMES,
  storeComponent,
  TRACES_BACKENDS,
  type TraceStore,
  type TracesBackend,
  trimSlash,
} from './model.js';
import { tempoStore } from './tempo.js';

export { jaegerStore } from './jaeger.js';
export {
  BACKEND_NAMES,
  normalizeTraceId,
  summarizeTrace,
  TRACES_BACKENDS,
  TraceNotFoundError,
  type TraceQuery,
  TraceQueryError,
  type TraceStore,
  type TraceSummary,
  type TracesBackend,
} from './model.js';
export { tempoStore, traceqlFor } from './tempo.js';

/** `jaeger` or `tempo`, else an error naming where the value came from. Exit 2. */
export function parseBackend(value: string, source = 'the trace store backend'): TracesBackend {
  const backend = value.trim().toLowerCase();
  if ((TRACES_BACKENDS as readonly string[]).includes(backend)) return backend as TracesBackend;
  throw new CliError(`${source} is jaeger or tempo, not '${value}'`, 2);
}

/** The store at `url`, spoken to as `backend` says, without asking it anything yet. */
export function traceStore(url: string, backend: TracesBackend): TraceStore {
  switch (parseBackend(String(backend))) {
    case 'jaeger':
      return jaegerStore(url);
    case 'tempo':
      return tempoStore(url);
  }
}

/**
 * Which store answers at `url`: Jaeger's query service lists its services at
 * `/api/v3/services`; Tempo echoes `echo` at `/api/echo`. Throws UnreachableError when nothing
 * answers, and a CliError when something else does.
 */
export async function detectBackend(url: string): Promise<TracesBackend> {
  const base = trimSlash(url);
  const component = storeComponent(undefined, base);
  const jaeger = await request(component, `${base}/api/v3/services`);
  const body = await bodySnippet(jaeger, 10_000);
  if (jaeger.ok) {
    try {
      const parsed = JSON.parse(body) as { services?: unknown };
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        if (parsed.services === undefined || Array.isArray(parsed.services)) return 'jaeger';
    } catch {}
  }
  const tempo = await request(component, `${base}/api/echo`);
  if (tempo.ok && (await bodySnippet(tempo)) === 'echo') return 'tempo';
  if (!tempo.ok) await tempo.arrayBuffer();
  throw new CliError(
    `${base} answers, but neither as Jaeger (GET /api/v3/services) nor as Tempo (GET /api/echo): ` +
      "is it the trace store's query API? (--traces-backend jaeger|tempo skips this check)",
  );
}

/** A store: `backend` if given, else the one detected at `url`. */
export async function connectTraceStore(url: string, backend?: TracesBackend): Promise<TraceStore> {
  return traceStore(url, backend ?? (await detectBackend(url)));
}

/**
 * The store answers queries: Jaeger's query service lists its services; Tempo says it is
 * ready (`/ready`). Throws UnreachableError, or a CliError with the store's answer.
 */
export async function checkStoreReady(store: TraceStore): Promise<void> {
  const name = BACKEND_NAMES[store.backend];
  const path = store.backend === 'jaeger' ? '/api/v3/services' : '/ready';
  const response = await request(storeComponent(store.backend, store.url), `${store.url}${path}`);
  const body = await bodySnippet(response);
  if (!response.ok) throw new CliError(`${name} is not ready (${response.status}): ${body}`);
}
