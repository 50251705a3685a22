import { ConfigError } from '@tracing-demo/service-kit';

/** What loadgen does against the gateway, besides logging in. */
export const OPERATIONS = ['place', 'list', 'get'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Each operation's share of the ticks; the shares sum to 1. */
export type OperationMix = Readonly<Record<Operation, number>>;

const EXAMPLE = 'place=0.5,list=0.4,get=0.1';

function isOperation(name: string): name is Operation {
  return (OPERATIONS as readonly string[]).includes(name);
}

/**
 * Parses `place=0.5,list=0.4,get=0.1`. Weights are relative (`place=5,list=4,get=1` is the same
 * mix); an operation left out gets none of the traffic. Every mistake names the entry at fault.
 */
export function parseMix(text: string, variable = 'LOADGEN_MIX'): OperationMix {
  const weights: Record<Operation, number> = { place: 0, list: 0, get: 0 };
  const seen = new Set<Operation>();
  for (const rawEntry of text.split(',')) {
    const entry = rawEntry.trim();
    const separator = entry.indexOf('=');
    if (separator < 1) {
      throw new ConfigError(
        `${variable} entry '${entry}' must look like operation=weight (e.g. '${EXAMPLE}')`,
      );
    }
    const name = entry.slice(0, separator).trim();
    const weightText = entry.slice(separator + 1).trim();
    if (!isOperation(name)) {
      throw new ConfigError(
        `${variable} names an unknown operation '${name}' (known: ${OPERATIONS.join(', ')})`,
      );
    }
    if (seen.has(name)) throw new ConfigError(`${variable} names '${name}' more than once`);
    seen.add(name);
    const weight = Number(weightText);
    if (weightText === '' || !Number.isFinite(weight) || weight < 0) {
      throw new ConfigError(
        `${variable} weight of '${name}' must be a number of 0 or more (got '${weightText}')`,
      );
    }
    weights[name] = weight;
  }
  const total = OPERATIONS.reduce((sum, operation) => sum + weights[operation], 0);
  if (total <= 0) {
    throw new ConfigError(`${variable} must give at least one operation a weight above 0`);
  }
  return {
    place: weights.place / total,
    list: weights.list / total,
    get: weights.get / total,
  };
}

/** The operation a roll in [0, 1) lands on, walking the shares in OPERATIONS order. */
export function pickOperation(mix: OperationMix, roll: number): Operation {
  let cumulative = 0;
  let last: Operation = 'place';
  for (const operation of OPERATIONS) {
    if (mix[operation] <= 0) continue;
    last = operation;
    cumulative += mix[operation];
    if (roll < cumulative) return operation;
  }
  // Rounding can leave the shares summing to a hair under 1.
  return last;
}
