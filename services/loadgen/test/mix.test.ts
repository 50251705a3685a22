import { ConfigError } from '@tracing-demo/service-kit';
import { describe, expect, it } from 'vitest';
import { parseMix, pickOperation } from '../src/mix.js';

describe('LOADGEN_MIX', () => {
  it('reads shares and normalises relative weights', () => {
    expect(parseMix('place=0.5,list=0.4,get=0.1')).toEqual({ place: 0.5, list: 0.4, get: 0.1 });
    expect(parseMix(' place = 5 , list=4,get=1 ')).toEqual({ place: 0.5, list: 0.4, get: 0.1 });
  });

  it('gives an operation left out no traffic', () => {
    expect(parseMix('place=1')).toEqual({ place: 1, list: 0, get: 0 });
    expect(parseMix('list=3,get=1')).toEqual({ place: 0, list: 0.75, get: 0.25 });
  });

  it.each([
    [
      'place',
      "LOADGEN_MIX entry 'place' must look like operation=weight (e.g. 'place=0.5,list=0.4,get=0.1')",
    ],
    [
      'place=0.5,,get=0.5',
      "LOADGEN_MIX entry '' must look like operation=weight (e.g. 'place=0.5,list=0.4,get=0.1')",
    ],
    [
      '=1',
      "LOADGEN_MIX entry '=1' must look like operation=weight (e.g. 'place=0.5,list=0.4,get=0.1')",
    ],
    [
      'place=0.5,delete=0.5',
      "LOADGEN_MIX names an unknown operation 'delete' (known: place, list, get)",
    ],
    ['place=half', "LOADGEN_MIX weight of 'place' must be a number of 0 or more (got 'half')"],
    ['place=', "LOADGEN_MIX weight of 'place' must be a number of 0 or more (got '')"],
    ['place=-1,list=2', "LOADGEN_MIX weight of 'place' must be a number of 0 or more (got '-1')"],
    [
      'place=Infinity',
      "LOADGEN_MIX weight of 'place' must be a number of 0 or more (got 'Infinity')",
    ],
    ['place=1,place=2', "LOADGEN_MIX names 'place' more than once"],
    ['place=0,list=0', 'LOADGEN_MIX must give at least one operation a weight above 0'],
  ])('refuses %j with a message naming the mistake', (text, message) => {
    expect(() => parseMix(text)).toThrow(new ConfigError(message));
  });
});

describe('picking an operation', () => {
  const mix = { place: 0.5, list: 0.4, get: 0.1 };

  it('walks the shares in order', () => {
    expect(pickOperation(mix, 0)).toBe('place');
    expect(pickOperation(mix, 0.4999)).toBe('place');
    expect(pickOperation(mix, 0.5)).toBe('list');
    expect(pickOperation(mix, 0.8999)).toBe('list');
    expect(pickOperation(mix, 0.9)).toBe('get');
    expect(pickOperation(mix, 0.99999)).toBe('get');
  });

  it('never picks an operation with no share, even at the edges', () => {
    const placeOnly = { place: 1, list: 0, get: 0 };
    expect(pickOperation(placeOnly, 0.99999)).toBe('place');
    const noGet = { place: 0.3, list: 0.7, get: 0 };
    // Shares that sum to a hair under 1 must not fall through to 'get'.
    expect(pickOperation({ ...noGet, list: 0.6999999 }, 0.9999999)).toBe('list');
  });

  it('follows the mix over many rolls', () => {
    const counts = { place: 0, list: 0, get: 0 };
    for (let i = 0; i < 1_000; i++) counts[pickOperation(mix, (i + 0.5) / 1_000)] += 1;
    expect(counts).toEqual({ place: 500, list: 400, get: 100 });
  });
});
