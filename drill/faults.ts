/** The fault schedule: what each fault does to which real process, and what it may cost. */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Platform, type RestartableProcess, waitFor } from '@tracing-demo/platform';
import type { FaultName } from './profiles.ts';

export interface FaultMarks {
  /** When the fault began (ms since the epoch). */
  injectedAt: number;
  /** When the component was back (ready, or the fault lifted). */
  recoveredAt: number;
  /** A SIGKILLed collector: when it died. */
  killedAt?: number;
}

export interface Fault {
  name: FaultName;
  /** What is done, in words, for the report. */
  how: string;
  /**
   * Answers other than the normal ones (login 200, place 201 or an expected 402, list and get
   * 200) that this fault may cause, by operation; anything else is a broken invariant.
   */
  allowed: Partial<Record<'login' | 'place' | 'list' | 'get', readonly number[]>>;
  /** The "p99 within +10 % of the steady state" applies (an outage of the tracing). */
  latencyBound?: boolean;
  /** Injects the fault, holds it `seconds`, lifts it; resolves once the component is back. */
  run(platform: Platform, seconds: number): Promise<FaultMarks>;
}

const backend = <K extends keyof Platform['backendProcesses']>(platform: Platform, name: K) => {
  const found = platform.backendProcesses[name];
  if (!found) throw new Error(`the drill needs ${name}, which the platform did not start`);
  return found as NonNullable<Platform['backendProcesses'][K]>;
};

const service = (platform: Platform, name: string): RestartableProcess => {
  const found = platform.services[name];
  if (!found) throw new Error(`the drill needs ${name}, which the platform did not start`);
  return found.process;
};

async function killed(process: RestartableProcess, signal: NodeJS.Signals): Promise<number> {
  process.signal(signal);
  await waitFor('the process to die', async () => !process.running(), {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  return Date.now();
}

async function setPaymentFailureRate(platform: Platform, failureRate: number): Promise<void> {
  const url = platform.urls.service['payment-service'];
  const response = await fetch(`${url}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ failureRate }),
  });
  if (!response.ok) throw new Error(`PUT /admin/faults answered ${response.status}`);
}

/** An outage of a backend: stop it (keeping its data and port), wait, start it. */
const outage =
  (name: 'postgresql' | 'rabbitmq' | 'jaeger') => async (platform: Platform, seconds: number) => {
    const target = backend(platform, name);
    const injectedAt = Date.now();
    await target.stop();
    await sleep(seconds * 1000);
    await target.start();
    return { injectedAt, recoveredAt: Date.now() };
  };

export const FAULTS: readonly Fault[] = [
  {
    name: 'collector-kill',
    how: 'SIGKILL the collector, start it again after the window',
    allowed: {},
    latencyBound: true,
    async run(platform, seconds) {
      const collector = backend(platform, 'collector');
      const injectedAt = Date.now();
      const killedAt = await killed(collector, 'SIGKILL');
      await sleep(seconds * 1000);
      await collector.start();
      return { injectedAt, killedAt, recoveredAt: Date.now() };
    },
  },
  {
    name: 'collector-hang',
    how: 'SIGSTOP the collector, SIGCONT after the window',
    allowed: {},
    latencyBound: true,
    async run(platform, seconds) {
      const collector = backend(platform, 'collector');
      const injectedAt = Date.now();
      collector.signal('SIGSTOP');
      await sleep(seconds * 1000);
      collector.signal('SIGCONT');
      const health = platform.urls.collectorHealth as string;
      await waitFor('the collector to answer again', async () => (await fetch(health)).ok, {
        timeoutMs: 30_000,
      });
      return { injectedAt, recoveredAt: Date.now() };
    },
  },
  {
    name: 'collector-term',
    how: 'SIGTERM the collector (graceful), start it again at once',
    allowed: {},
    async run(platform) {
      const collector = backend(platform, 'collector');
      const injectedAt = Date.now();
      await collector.stop();
      await collector.start();
      return { injectedAt, recoveredAt: Date.now() };
    },
  },
  {
    name: 'trace-store-down',
    how: 'stop Jaeger, start it again on the same badger files',
    allowed: {},
    run: outage('jaeger'),
  },
  {
    name: 'rabbitmq-down',
    how: 'stop RabbitMQ, start it again with the same data',
    allowed: {},
    run: outage('rabbitmq'),
  },
  {
    name: 'postgresql-down',
    how: 'stop PostgreSQL (pg_ctl stop -m fast), start it again',
    // A clear 503 from whatever needs the database: logging in, placing, listing, reading.
    allowed: { login: [503], place: [503], list: [503], get: [503] },
    run: outage('postgresql'),
  },
  {
    name: 'payment-kill',
    how: 'SIGKILL payment-service, start it again after the window',
    allowed: { place: [502, 503] },
    async run(platform, seconds) {
      const payment = service(platform, 'payment-service');
      const injectedAt = Date.now();
      await killed(payment, 'SIGKILL');
      await sleep(seconds * 1000);
      await payment.start();
      return { injectedAt, recoveredAt: Date.now() };
    },
  },
  {
    name: 'payment-faults',
    how: "payment failure rate 50 % through payment-service's PUT /admin/faults",
    allowed: { place: [502] },
    async run(platform, seconds) {
      const injectedAt = Date.now();
      await setPaymentFailureRate(platform, 0.5);
      await sleep(seconds * 1000);
      await setPaymentFailureRate(platform, 0);
      return { injectedAt, recoveredAt: Date.now() };
    },
  },
];
