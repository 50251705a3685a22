/** Fault injection levels: probabilities in [0, 1] and the added delay of a slow charge. */
export interface Faults {
  failureRate: number;
  slowRate: number;
  slowDelayMs: number;
}

export type Outcome = { fail: boolean; delayMs: number };

/**
 * Holds the current levels (changed at run time through the admin API) and rolls the dice for
 * one charge. `random` is injectable so tests can make outcomes certain.
 */
export class FaultInjector {
  #faults: Faults;

  constructor(
    initial: Faults,
    private readonly random: () => number = Math.random,
  ) {
    this.#faults = { ...initial };
  }

  get current(): Faults {
    return { ...this.#faults };
  }

  update(changes: Partial<Faults>): Faults {
    this.#faults = { ...this.#faults, ...changes };
    return this.current;
  }

  roll(): Outcome {
    const { failureRate, slowRate, slowDelayMs } = this.#faults;
    return {
      delayMs: this.random() < slowRate ? slowDelayMs : 0,
      fail: this.random() < failureRate,
    };
  }
}
