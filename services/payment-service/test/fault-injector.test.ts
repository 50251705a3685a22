import { describe, expect, it } from 'vitest';
import { FaultInjector, type Faults } from '../src/faults.js';

const NONE: Faults = { failureRate: 0, slowRate: 0, slowDelayMs: 2_000 };

/** A dice that returns the given values in turn, then fails loudly if rolled once too often. */
function dice(...values: number[]) {
  return () => {
    const value = values.shift();
    if (value === undefined) throw new Error('rolled more often than expected');
    return value;
  };
}

describe('FaultInjector', () => {
  it('injects nothing when both rates are 0', () => {
    const faults = new FaultInjector(NONE, dice(0, 0));

    expect(faults.roll()).toEqual({ fail: false, delayMs: 0 });
  });

  it('fails and delays when the dice come in under the rates', () => {
    const faults = new FaultInjector(
      { failureRate: 0.3, slowRate: 0.5, slowDelayMs: 750 },
      dice(0.49, 0.29),
    );

    expect(faults.roll()).toEqual({ fail: true, delayMs: 750 });
  });

  it('neither fails nor delays when the dice land exactly on the rates', () => {
    const faults = new FaultInjector(
      { failureRate: 0.3, slowRate: 0.5, slowDelayMs: 750 },
      dice(0.5, 0.3),
    );

    expect(faults.roll()).toEqual({ fail: false, delayMs: 0 });
  });

  it('rolls slowness and failure independently', () => {
    const faults = new FaultInjector(
      { failureRate: 0.5, slowRate: 0.5, slowDelayMs: 750 },
      dice(0.9, 0.1, 0.1, 0.9),
    );

    expect(faults.roll()).toEqual({ fail: true, delayMs: 0 });
    expect(faults.roll()).toEqual({ fail: false, delayMs: 750 });
  });

  it('always fails at rate 1 with the real dice', () => {
    const faults = new FaultInjector({ ...NONE, failureRate: 1 });

    for (let i = 0; i < 100; i++) expect(faults.roll().fail).toBe(true);
  });

  it('updates only the levels given and returns the new levels', () => {
    const faults = new FaultInjector(NONE);

    expect(faults.update({ slowRate: 0.25 })).toEqual({ ...NONE, slowRate: 0.25 });
    expect(faults.current).toEqual({ ...NONE, slowRate: 0.25 });
  });

  it('cannot be changed through the objects it was given or handed out', () => {
    const initial = { ...NONE };
    const faults = new FaultInjector(initial);

    initial.failureRate = 1;
    faults.current.failureRate = 1;
    faults.update({ slowRate: 0.1 }).failureRate = 1;

    expect(faults.current.failureRate).toBe(0);
  });
});
