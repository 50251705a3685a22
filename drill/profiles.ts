/** How long each fault lasts and how hard loadgen pushes: DRILL=quick (the e2e suite) or full. */

export const FAULT_NAMES = [
  'collector-kill',
  'collector-hang',
  'collector-term',
  'trace-store-down',
  'rabbitmq-down',
  'postgresql-down',
  'payment-kill',
  'payment-faults',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export interface Profile {
  name: 'quick' | 'full';
  /** loadgen's operations per second (open loop). */
  rate: number;
  /** Traffic before the steady state (JIT, pools and caches warming up), in seconds. */
  warmupSeconds: number;
  /** The steady state measured before the first fault, in seconds. */
  steadySeconds: number;
  /** The recovery gap after each fault, in seconds: part of the fault's window. */
  gapSeconds: number;
  /** How long each fault lasts, in seconds (0: a restart at once). */
  faultSeconds: Record<FaultName, number>;
  /**
   * Whether two invariants are asserted (full) or only reported (quick, which must pass reliably
   * on a shared 2-core machine): p99 within +10 % of the steady state (a quick window's p99 is
   * its one or two slowest requests), and no trace lost at the collector's graceful restart
   * (the traces of the last fraction of a second before it, now and then: docs/drill.md).
   */
  strict: boolean;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  quick: {
    name: 'quick',
    rate: 8,
    warmupSeconds: 5,
    steadySeconds: 15,
    gapSeconds: 6,
    faultSeconds: {
      'collector-kill': 8,
      'collector-hang': 8,
      'collector-term': 0,
      'trace-store-down': 12,
      'rabbitmq-down': 10,
      'postgresql-down': 10,
      'payment-kill': 8,
      'payment-faults': 10,
    },
    strict: false,
  },
  full: {
    name: 'full',
    rate: 20,
    warmupSeconds: 20,
    steadySeconds: 60,
    gapSeconds: 30,
    faultSeconds: {
      'collector-kill': 20,
      'collector-hang': 30,
      'collector-term': 0,
      'trace-store-down': 60,
      'rabbitmq-down': 30,
      'postgresql-down': 30,
      'payment-kill': 20,
      'payment-faults': 30,
    },
    strict: true,
  },
};

export function profileNamed(name: string): Profile {
  const profile = PROFILES[name as Profile['name']];
  if (!profile) throw new Error(`DRILL is quick or full, not '${name}'`);
  return profile;
}
