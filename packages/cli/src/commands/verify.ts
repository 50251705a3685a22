import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine, parseDuration, parsePositiveInt, parseUrl } from '../args.js';
import type { Command } from '../command.js';
import { ENDPOINTS, resolveBackend } from '../endpoints.js';
import { UsageError } from '../errors.js';
import { type Io, outputWidth, wantsColor } from '../io.js';
import { DEMO_USER } from '../verify/gateway.js';
import { runVerify, SETTLE_MS } from '../verify/run-verify.js';

const usage = `Usage: tracing-demo verify [options]

Checks a Helm release of the chart end to end, printing each step with ✓/✗ as it completes:
  1. workloads ready: every Deployment and StatefulSet labelled
     app.kubernetes.io/instance=<release> has all its replicas ready and updated
  2. gateway and trace store reachable: port-forwards to the Services
     <release>-api-gateway:3000 and <release>-jaeger:16686 or <release>-tempo:3200 (through a
     ready pod behind each), unless URLs are given; the gateway is ready, the store answers
  3. order placed: logs in as the demo user and orders one coffee, sending the gateway's
     synthetic-traffic token (SYNTHETIC_TOKEN) so that the trace is marked synthetic, which
     tail sampling keeps; the order's trace id is the one the gateway's traceresponse names
  4. trace in Jaeger (or Tempo): polls until that trace has spans from api-gateway,
     order-service and payment-service, then prints it
Kubernetes access comes from KUBECONFIG, ~/.kube/config, or the pod's service account (it
needs to list deployments, statefulsets and pods, get services, and create pods/portforward).

Options:
  -n, --namespace NS   the release's namespace (default: the kube context's)
  --release NAME       the Helm release (default tracing-demo)
  --gateway-url URL    reach the gateway here instead of port-forwarding,
                       e.g. http://tracing-demo-api-gateway:3000 from inside the cluster
  --traces-url URL     reach the trace store's query API here instead of port-forwarding,
                       e.g. http://tracing-demo-jaeger:16686 or http://tracing-demo-tempo:3200
  --traces-backend B   jaeger or tempo (TRACES_BACKEND; default: detected, and without
                       --traces-url the Service <release>-jaeger is tried, then <release>-tempo)
  --no-trace-store     the release has no trace store to ask (traces.enabled=false without
                       traces.external.queryUrl): step 2 checks the gateway only, step 4 is
                       skipped
  --local              the local stack (make local), not Kubernetes: skips step 1; the URLs
                       default to GATEWAY_URL / TRACES_URL or http://127.0.0.1:3000 / :16686
  SYNTHETIC_TOKEN      the gateway's synthetic-traffic token (helm test passes the chart's;
                       with --local, .local/synthetic-token of make local when unset).
                       Without one the order is an outside caller's: its trace is stored
                       only if tail sampling's baseline keeps it
  --email ADDRESS      log in as (default: the first of DEMO_USERS="email:password,…" if set,
                       else ${DEMO_USER.email})
  --password SECRET    (default: that user's password)
  --timeout D          how long to wait for the trace in the store (default 120s)
  --settle D           how long steps 1 and 2 retry what does not answer at all (default
                       20s): a new pod's network can lag its start (NetworkPolicy enforcement)
  --width N            lay the trace out in N columns (default: the terminal's, or 100)
  -h, --help           this help

Exit status: 0 verified, 1 a step failed (the last line says which and why), 2 bad arguments.
`;

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check a Helm release end to end: workloads, an order, its trace in the store',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        namespace: { type: 'string', short: 'n' },
        release: { type: 'string' },
        'gateway-url': { type: 'string' },
        'traces-url': { type: 'string' },
        'traces-backend': { type: 'string' },
        'no-trace-store': { type: 'boolean' },
        local: { type: 'boolean' },
        email: { type: 'string' },
        password: { type: 'string' },
        timeout: { type: 'string' },
        settle: { type: 'string' },
        width: { type: 'string' },
      },
      usage,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(`verify takes no arguments, got '${positionals.join(' ')}'`, usage);
    const local = values.local === true;
    if (local && values.namespace !== undefined)
      throw new UsageError('--namespace means Kubernetes; --local means no Kubernetes', usage);
    const noTraceStore = values['no-trace-store'] === true;
    for (const flag of ['traces-url', 'traces-backend'] as const)
      if (noTraceStore && values[flag] !== undefined)
        throw new UsageError(
          `--no-trace-store means there is no trace store; --${flag} describes one`,
          usage,
        );
    const url = (flag: string, value: string | undefined) =>
      value === undefined ? undefined : parseUrl(flag, value, usage);
    // Only the local stack takes URLs from the environment: in Kubernetes, verify port-forwards.
    const fromEnv = (name: 'gateway' | 'traces') => {
      const value = io.env[ENDPOINTS[name].env];
      return value ? parseUrl(ENDPOINTS[name].env, value, usage) : ENDPOINTS[name].default;
    };
    let gatewayUrl = url('--gateway-url', values['gateway-url']);
    let tracesUrl = url('--traces-url', values['traces-url']);
    if (local) {
      gatewayUrl ??= fromEnv('gateway');
      if (!noTraceStore) tracesUrl ??= fromEnv('traces');
    }
    const tracesBackend = noTraceStore
      ? undefined
      : resolveBackend(values['traces-backend'], io.env, usage);
    const width =
      values.width === undefined ? undefined : parsePositiveInt('--width', values.width, usage);
    await runVerify(
      {
        release: values.release ?? 'tracing-demo',
        namespace: values.namespace,
        gatewayUrl,
        tracesUrl,
        tracesBackend,
        noTraceStore,
        local,
        credentials: {
          email: values.email ?? demoUser(io.env).email,
          password: values.password ?? demoUser(io.env).password,
        },
        syntheticToken: syntheticToken(io, local),
        timeoutMs: parseDuration('--timeout', values.timeout ?? '120s', usage),
        settleMs: parseDuration('--settle', values.settle ?? `${SETTLE_MS}ms`, usage),
        width: outputWidth(io, width),
        color: wantsColor(io),
      },
      {
        // Loaded on demand: the Kubernetes client takes half a second to import.
        kube: async () => (await import('../verify/kube.js')).createKubeClient(),
        print: (line) => io.out(`${line}\n`),
      },
    );
    return 0;
  },
};

/**
 * SYNTHETIC_TOKEN, else for the local stack the token `make local` generated (a file of its
 * state directory, .local/, under the working directory), else none.
 */
function syntheticToken(io: Io, local: boolean): string | undefined {
  const given = io.env.SYNTHETIC_TOKEN?.trim();
  if (given) return given;
  if (!local) return undefined;
  try {
    return readFileSync(join(io.cwd, '.local', 'synthetic-token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The user to log in as without --email: the first of DEMO_USERS (auth-service's own format,
 * which the chart's helm test Job passes on from the demo-users Secret), else the built-in one.
 */
function demoUser(env: Record<string, string | undefined>): { email: string; password: string } {
  const first = env.DEMO_USERS?.split(',')[0]?.trim() ?? '';
  const colon = first.indexOf(':');
  if (colon <= 0) return DEMO_USER;
  return { email: first.slice(0, colon), password: first.slice(colon + 1) };
}
