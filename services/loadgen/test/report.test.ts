import { describe, expect, it } from 'vitest';
import { LatencySamples, LoadReport, outcomeOf, percentile } from '../src/report.js';

describe('percentiles (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('is the smallest value with p% of the values at or below it', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 90)).toBe(90);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile(oneToHundred, 0)).toBe(1);
  });

  it('handles few values without interpolating', () => {
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 90)).toBe(4);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000], 90)).toBe(90);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 1000], 99)).toBe(1000);
  });

  it('refuses an empty list', () => {
    expect(() => percentile([], 50)).toThrow('percentile of no values');
  });
});

describe('latency samples', () => {
  it('summarises in any arrival order, to a tenth of a millisecond', () => {
    const samples = new LatencySamples();
    for (const ms of [30.04, 10.26, 20, 50, 40]) samples.add(ms);
    expect(samples.summary()).toEqual({ count: 5, p50: 30, p90: 50, p99: 50, max: 50 });
    const fractions = new LatencySamples();
    fractions.add(10.26);
    expect(fractions.summary()).toEqual({ count: 1, p50: 10.3, p90: 10.3, p99: 10.3, max: 10.3 });
  });

  it('is null before the first sample', () => {
    expect(new LatencySamples().summary()).toBeNull();
  });

  it('stays within its capacity on a long run and keeps the maximum exact', () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const samples = new LatencySamples(1_000, random);
    for (let i = 1; i <= 100_000; i++) samples.add(i === 4_242 ? 99_999 : i % 100);
    const summary = samples.summary();
    expect(summary?.count).toBe(1_000);
    expect(summary?.max).toBe(99_999);
    // A uniform reservoir of 0..99: the median lands near the middle.
    expect(summary?.p50).toBeGreaterThanOrEqual(40);
    expect(summary?.p50).toBeLessThanOrEqual(60);
  });
});

describe('outcomes', () => {
  it.each([
    [200, 'ok'],
    [201, 'ok'],
    [204, 'ok'],
    [304, 'clientError'],
    [400, 'clientError'],
    [401, 'clientError'],
    [402, 'clientError'],
    [429, 'clientError'],
    [500, 'serverError'],
    [502, 'serverError'],
    [504, 'serverError'],
    [undefined, 'networkError'],
  ])('status %s is %s', (status, outcome) => {
    expect(outcomeOf(status)).toBe(outcome);
  });
});

describe('the report', () => {
  const timing = {
    state: 'finished' as const,
    startedAt: new Date('2030-01-02T03:04:05.000Z'),
    elapsedSeconds: 5.1234,
    schedulingSeconds: 5,
    inFlight: 0,
  };

  it('says exactly what was sent and what came back, per operation', () => {
    const report = new LoadReport(10);
    report.response('login', 200, 12);
    for (let i = 0; i < 6; i++) report.started('place');
    report.response('place', 201, 40);
    report.response('place', 201, 60);
    report.response('place', 402, 30);
    report.response('place', 502, 15_000);
    report.response('place', undefined, 20_000);
    report.notLoggedIn('place');
    report.started('list');
    report.response('list', 200, 8);
    report.shed('list');
    report.shed('get');

    const snapshot = report.snapshot(timing);

    expect(snapshot.operations.place).toEqual({
      sent: 5,
      ok: 2,
      clientErrors: 1,
      serverErrors: 1,
      networkErrors: 1,
      shed: 0,
      notLoggedIn: 1,
      statuses: { '201': 2, '402': 1, '502': 1 },
      // The network error has no latency: it never got an answer.
      latencyMs: { count: 4, p50: 40, p90: 15_000, p99: 15_000, max: 15_000 },
    });
    expect(snapshot.operations.login).toMatchObject({ sent: 1, ok: 1, statuses: { '200': 1 } });
    expect(snapshot.operations.list).toMatchObject({ sent: 1, ok: 1, shed: 1 });
    expect(snapshot.operations.get).toEqual({
      sent: 0,
      ok: 0,
      clientErrors: 0,
      serverErrors: 0,
      networkErrors: 0,
      shed: 1,
      notLoggedIn: 0,
      statuses: {},
      latencyMs: null,
    });
    expect(snapshot.ordersCreated).toBe(2);
    expect(snapshot.totals).toEqual({
      sent: 7,
      ok: 4,
      clientErrors: 1,
      serverErrors: 1,
      networkErrors: 1,
    });
    expect(snapshot.ticks).toEqual({ scheduled: 9, started: 7, shed: 2 });
    expect(snapshot.rate).toEqual({ configured: 10, achieved: 1.4 });
    expect(snapshot).toMatchObject({
      kind: 'loadgen.report',
      state: 'finished',
      startedAt: '2030-01-02T03:04:05.000Z',
      elapsedSeconds: 5.123,
      inFlight: 0,
    });
  });

  it('is all zeros before anything happened', () => {
    const snapshot = new LoadReport(5).snapshot({
      ...timing,
      state: 'idle',
      startedAt: undefined,
      elapsedSeconds: 0,
      schedulingSeconds: 0,
    });
    expect(snapshot).toMatchObject({
      state: 'idle',
      startedAt: null,
      rate: { configured: 5, achieved: 0 },
      ticks: { scheduled: 0, started: 0, shed: 0 },
      ordersCreated: 0,
      totals: { sent: 0, ok: 0 },
    });
  });

  it('hands out copies: a snapshot does not change as traffic goes on', () => {
    const report = new LoadReport(5);
    report.response('list', 200, 5);
    const before = report.snapshot(timing);
    report.response('list', 200, 5);
    expect(before.operations.list.statuses).toEqual({ '200': 1 });
    expect(report.snapshot(timing).operations.list.statuses).toEqual({ '200': 2 });
  });
});
