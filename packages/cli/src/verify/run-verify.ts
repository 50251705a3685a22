import { setTimeout as sleep } from 'node:timers/promises';
import type { Span } from '@tracing-demo/otlp';
import { CliError, UnreachableError } from '../errors.js';
import { formatSeconds } from '../format.js';
import { renderTrace } from '../render.js';
import {
  BACKEND_NAMES,
  checkStoreReady,
  connectTraceStore,
  type TraceStore,
  type TracesBackend,
} from '../stores/index.js';
import { createStyle } from '../style.js';
import { gatewayReady, login, placeOrder } from './gateway.js';
import type { KubeClient } from './kube.js';
import { ORDER_SERVICES, waitForTrace } from './poll.js';
import type { Tunnel } from './port-forward.js';
import { evaluateReadiness } from './readiness.js';

export interface VerifyOptions {
  release: string;
  /** Where the release is; the kube context's namespace when unset. */
  namespace?: string;
  /** Reach the gateway / the trace store here instead of port-forwarding (Service DNS in a pod). */
  gatewayUrl?: string;
  tracesUrl?: string;
  /** Jaeger or Tempo; detected when unset (and both Services tried when port-forwarding). */
  tracesBackend?: TracesBackend;
  /** The release has no trace store (disabled, no external one): no store, no trace check. */
  noTraceStore?: boolean;
  /** Not in Kubernetes (`make local`): no workload check, no port-forwarding. */
  local: boolean;
  credentials: { email: string; password: string };
  /**
   * The gateway's synthetic-traffic token: verify's order is then a trusted synthetic request,
   * whose trace tail sampling keeps. Without it the trace is kept only if the baseline picks it.
   */
  syntheticToken?: string;
  /** How long to wait for the trace in the store. */
  timeoutMs: number;
  /** The trace's services; api-gateway, order-service and payment-service by default. */
  services?: readonly string[];
  /** How often to poll the store (1 s by default). */
  pollIntervalMs?: number;
  /** How long the first two steps retry a component that does not answer at all (SETTLE_MS). */
  settleMs?: number;
  width: number;
  color: boolean;
}

export interface VerifyDeps {
  /** Created only when a step needs Kubernetes (loading the client takes a while). */
  kube: () => KubeClient | Promise<KubeClient>;
  print: (line: string) => void;
}

export interface VerifyResult {
  traceId: string;
  spans: Span[];
}

/**
 * `helm test` runs verify in a brand-new pod, and a new pod's connections can be refused for a
 * moment after it starts: an enforcing NetworkPolicy controller admits a pod to the peers'
 * allow-lists only once it has seen it (in the project's kube-router cluster, the trace store,
 * whose ingress names the verify pod by label, refused its first connection in one of five runs).
 * So the first two steps retry what did not answer at all, for this long; any answer (a 403,
 * a 503) is final.
 */
export const SETTLE_MS = 20_000;

/** The query port of each store's Service in the chart. */
export const STORE_PORTS: Record<TracesBackend, number> = { jaeger: 16686, tempo: 3200 };

/** A step failed: verify stops there; the CLI prints `verify failed: <step>: <reason>`. */
export class StepFailed extends CliError {
  constructor(step: string, reason: string) {
    super(`verify failed: ${step}: ${reason}`, 1);
    this.name = 'StepFailed';
  }
}

/**
 * Checks a release end to end, printing each step with ✓/✗ and its time as it completes:
 * workloads ready, gateway and trace store reachable (port-forwarded unless URLs are given), an
 * order placed as the demo user (its trace named by the gateway's traceresponse), and that trace in the store
 * (Jaeger or Tempo) with spans from every service on the order's path (no store and no trace
 * with `noTraceStore`). Throws StepFailed at the first step that fails.
 */
export async function runVerify(options: VerifyOptions, deps: VerifyDeps): Promise<VerifyResult> {
  const style = createStyle(options.color);
  const started = Date.now();
  const tunnels: Tunnel[] = [];

  const step = async <T>(title: string, work: () => Promise<{ value: T; detail: string }>) => {
    const stepStart = Date.now();
    const took = () => style.dim(`(${formatSeconds(Date.now() - stepStart)})`);
    try {
      const { value, detail } = await work();
      deps.print(`${style.green('✓')} ${title}: ${detail} ${took()}`);
      return value;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      deps.print(`${style.red('✗')} ${title}: ${reason} ${took()}`);
      throw new StepFailed(title, reason);
    }
  };

  const settled = async <T>(work: () => Promise<T>): Promise<T> => {
    const deadline = Date.now() + (options.settleMs ?? SETTLE_MS);
    for (;;) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof UnreachableError) || Date.now() + 1000 > deadline) throw error;
        deps.print(style.dim(`  … ${error.message}: retrying`));
        await sleep(1000);
      }
    }
  };

  try {
    // Kubernetes, unless this is the local stack.
    let cluster: { kube: KubeClient; namespace: string } | undefined;
    if (options.local) deps.print(style.bold('verifying the local stack'));
    else {
      let kube: KubeClient;
      try {
        kube = await deps.kube();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        deps.print(`${style.red('✗')} kube config: ${reason}`);
        throw new StepFailed('kube config', reason);
      }
      cluster = { kube, namespace: options.namespace ?? kube.defaultNamespace };
      deps.print(
        style.bold(`verifying release ${options.release} in namespace ${cluster.namespace}`) +
          style.dim(` (Kubernetes API ${kube.server})`),
      );
    }

    if (cluster) {
      const { kube, namespace } = cluster;
      await step('workloads ready', async () => {
        const selector = `app.kubernetes.io/instance=${options.release}`;
        const workloads = await settled(() => kube.listWorkloads(namespace, selector));
        const report = evaluateReadiness(workloads, { namespace, release: options.release });
        if (!report.ok) throw new Error(report.summary);
        return { value: undefined, detail: report.summary };
      });
    } else deps.print(`${style.dim('-')} workloads ready: skipped (--local)`);

    const endpoint = async (given: string | undefined, service: string, port: number) => {
      if (given !== undefined) return { url: given, how: given };
      if (!cluster) throw new Error(`no URL for ${service} (--local needs one)`);
      const tunnel = await cluster.kube.forwardService(cluster.namespace, service, port);
      tunnels.push(tunnel);
      return { url: tunnel.url, how: `port-forward ${tunnel.description}` };
    };
    // The chart names the store's Service after its backend; when that is unknown, the one
    // that exists of <release>-jaeger and <release>-tempo.
    const storeEndpoint = async () => {
      if (options.tracesUrl !== undefined || !cluster)
        return {
          ...(await endpoint(options.tracesUrl, 'the trace store', 0)),
          backend: options.tracesBackend,
        };
      const candidates: TracesBackend[] = options.tracesBackend
        ? [options.tracesBackend]
        : ['jaeger', 'tempo'];
      const failures: string[] = [];
      for (const backend of candidates) {
        try {
          const service = `${options.release}-${backend}`;
          return { ...(await endpoint(undefined, service, STORE_PORTS[backend])), backend };
        } catch (error) {
          if (error instanceof UnreachableError || candidates.length === 1) throw error;
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
      throw new CliError(`no trace store to port-forward to: ${failures.join('; ')}`);
    };
    const { gatewayUrl, store } = await step(
      options.noTraceStore ? 'gateway reachable' : 'gateway and trace store reachable',
      () =>
        settled(async () => {
          const gateway = await endpoint(
            options.gatewayUrl,
            `${options.release}-api-gateway`,
            3000,
          );
          const where = options.noTraceStore ? undefined : await storeEndpoint();
          await gatewayReady(gateway.url);
          let store: TraceStore | undefined;
          if (where) {
            store = await connectTraceStore(where.url, where.backend);
            await checkStoreReady(store);
          }
          return {
            value: { gatewayUrl: gateway.url, store },
            detail:
              `gateway ${gateway.how}` +
              (store && where ? `, ${BACKEND_NAMES[store.backend]} ${where.how}` : ''),
          };
        }),
    );

    const { traceId } = await step('order placed', async () => {
      const token = await login(gatewayUrl, options.credentials);
      const order = await placeOrder(gatewayUrl, token, options.syntheticToken);
      const kept = options.syntheticToken
        ? 'synthetic'
        : "no synthetic token: stored only if tail sampling's baseline keeps it";
      return {
        value: order,
        detail: `as ${options.credentials.email}: order ${order.orderId} (${order.status}) in trace ${order.traceId} (${kept})`,
      };
    });

    const verified = options.local ? 'local stack verified' : `release ${options.release} verified`;
    if (store === undefined) {
      deps.print(`${style.dim('-')} trace in the trace store: skipped (--no-trace-store)`);
      deps.print(
        `${style.green('✓')} ${style.bold(verified)} without its trace in ${formatSeconds(Date.now() - started)}`,
      );
      return { traceId, spans: [] };
    }

    const services = options.services ?? ORDER_SERVICES;
    const spans = await step(`trace in ${BACKEND_NAMES[store.backend]}`, async () => {
      const found = await waitForTrace({
        store,
        traceId,
        services,
        timeoutMs: options.timeoutMs,
        intervalMs: options.pollIntervalMs,
        onProgress: (message) => deps.print(style.dim(`  … ${message}`)),
      });
      const present = [...new Set(found.map((s) => s.service))].sort();
      return {
        value: found,
        detail: `${found.length} spans from ${present.join(', ')}`,
      };
    });
    deps.print(renderTrace(spans, { width: options.width, color: options.color }));
    deps.print(
      `${style.green('✓')} ${style.bold(verified)} in ${formatSeconds(Date.now() - started)}`,
    );
    return { traceId, spans };
  } finally {
    await Promise.all(tunnels.map((t) => t.close()));
  }
}
