import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@tracing-demo/platform';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadGenerator, type RequestRecord } from '../src/generator.js';
import { loadConfigFor, recordingLogger, startFakeGateway } from './fake-gateway.js';

type FakeGateway = Awaited<ReturnType<typeof startFakeGateway>>;
let gateway: FakeGateway | undefined;
let generator: LoadGenerator | undefined;

afterEach(async () => {
  await generator?.stop(0);
  await gateway?.close();
  generator = undefined;
  gateway = undefined;
});

async function timedRun(
  fake: Parameters<typeof startFakeGateway>[0],
  config: Parameters<typeof loadConfigFor>[1] = {},
) {
  gateway = await startFakeGateway(fake);
  const log = recordingLogger();
  generator = new LoadGenerator(loadConfigFor(gateway.url, config), { log });
  generator.start();
  await generator.finished;
  return { gateway, log, report: generator.snapshot() };
}

describe('the load generator', () => {
  it('sends rate × duration operations and reports exactly what the gateway received', async () => {
    const { gateway, report } = await timedRun({});

    expect(report.state).toBe('finished');
    expect(report.ticks).toEqual({ scheduled: 20, started: 20, shed: 0 });
    expect(report.inFlight).toBe(0);
    // Logged in once per user, however many operations each made.
    expect(report.operations.login).toMatchObject({ sent: 2, ok: 2 });
    expect(gateway.logins()).toBe(2);
    for (const operation of ['place', 'list', 'get'] as const) {
      const sent = report.operations[operation];
      expect(sent.sent, operation).toBe(gateway.count(operation));
      expect(sent.ok + sent.clientErrors, operation).toBe(sent.sent);
    }
    expect(report.totals.sent).toBe(gateway.received.length);
    expect(report.ordersCreated).toBe(gateway.count('place', 201));
    expect(report.operations.place.clientErrors).toBe(gateway.count('place', 402));
    expect(report.operations.place.statuses['402'] ?? 0).toBe(gateway.count('place', 402));
    expect(report.totals.serverErrors + report.totals.networkErrors).toBe(0);
    expect(report.rate.configured).toBe(40);
    expect(report.elapsedSeconds).toBeGreaterThanOrEqual(0.5);
  });

  it('writes one record per request to LOADGEN_RECORDS_FILE, matching the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loadgen-records-'));
    try {
      const recordsFile = join(dir, 'records.jsonl');
      const { gateway, report } = await timedRun({}, { recordsFile });
      const records = readFileSync(recordsFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RequestRecord);
      expect(records).toHaveLength(report.totals.sent);
      const statuses = records.map((r) => r.status).sort();
      expect(statuses).toEqual(gateway.received.map((r) => r.status).sort());
      const created = records.filter((r) => r.status === 201);
      expect(created).toHaveLength(report.ordersCreated);
      for (const record of created) expect(record.orderId).toMatch(/^[0-9a-f-]{36}$/);
      for (const record of records) {
        expect(record.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(record.ms).toBeGreaterThanOrEqual(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps generating load when the records file cannot be written, and says so once', async () => {
    const recordsFile = join(tmpdir(), 'no-such-directory-for-loadgen', 'records.jsonl');
    const { gateway, log, report } = await timedRun({}, { recordsFile });

    expect(report.totals.sent).toBe(gateway.received.length);
    expect(report.totals.sent).toBeGreaterThan(0);
    const errors = log.lines.filter((line) => line.msg.startsWith('cannot write'));
    expect(errors).toHaveLength(1);
  });

  it('sends the synthetic-traffic token with every request when it has one', async () => {
    const token = 'a-synthetic-traffic-token';
    const { gateway } = await timedRun({}, { syntheticToken: token });
    expect(gateway.received.length).toBeGreaterThan(0);
    expect(gateway.received.filter((r) => r.syntheticToken !== token)).toEqual([]);
  });

  it('sends no token header without a token', async () => {
    const { gateway } = await timedRun({});
    expect(gateway.received.filter((r) => r.syntheticToken !== undefined)).toEqual([]);
  });

  it('reads only orders it created, listing until there is one', async () => {
    const { gateway } = await timedRun({}, { mix: { place: 0, list: 0, get: 1 } });
    // No order was ever placed: every 'get' tick became a list.
    expect(gateway.count('get')).toBe(0);
    expect(gateway.count('list')).toBe(20);
  });

  it('logs in again after a 401 and counts the 401', async () => {
    const { gateway, report } = await timedRun(
      { tokenUses: 3 },
      { users: [{ email: 'a@example.com', password: 'right-password' }], concurrency: 1 },
    );
    expect(gateway.logins()).toBeGreaterThan(1);
    expect(report.operations.login.sent).toBe(gateway.logins());
    const unauthorized = ['place', 'list', 'get'].reduce(
      (sum, route) => sum + gateway.count(route, 401),
      0,
    );
    expect(unauthorized).toBeGreaterThan(0);
    const reported401 = (['place', 'list', 'get'] as const).reduce(
      (sum, operation) => sum + (report.operations[operation].statuses['401'] ?? 0),
      0,
    );
    expect(reported401).toBe(unauthorized);
  });

  it('sheds ticks at the concurrency cap instead of slowing down', async () => {
    const { gateway, report } = await timedRun({ delayMs: 150 }, { concurrency: 1 });
    expect(report.ticks.scheduled).toBe(20);
    expect(report.ticks.shed).toBeGreaterThan(0);
    expect(report.ticks.started + report.ticks.shed).toBe(20);
    const shed = report.operations.place.shed + report.operations.list.shed;
    expect(shed + report.operations.get.shed).toBe(report.ticks.shed);
    expect(report.totals.sent - report.operations.login.sent).toBe(report.ticks.started);
    expect(gateway.received.length).toBe(report.totals.sent);
    expect(report.rate.achieved).toBeLessThan(40);
  });

  it('sends nothing for a user who cannot log in, and says so once', async () => {
    const { gateway, log, report } = await timedRun(
      {},
      { users: [{ email: 'a@example.com', password: 'wrong-password' }] },
    );
    expect(gateway.count('place') + gateway.count('list') + gateway.count('get')).toBe(0);
    expect(report.operations.login.clientErrors).toBe(report.operations.login.sent);
    const notLoggedIn = (['place', 'list', 'get'] as const).reduce(
      (sum, operation) => sum + report.operations[operation].notLoggedIn,
      0,
    );
    expect(notLoggedIn).toBe(20);
    const warnings = log.lines.filter((line) => line.msg.startsWith('login failed'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(log.lines)).not.toContain('wrong-password');
    expect(JSON.stringify(log.lines)).not.toContain('a@example.com');
  });

  it('on stop, aborts what is still in flight after the grace period and counts it', async () => {
    gateway = await startFakeGateway({ hang: true });
    generator = new LoadGenerator(
      loadConfigFor(gateway.url, { durationSeconds: 0, ratePerSecond: 20 }),
      { log: recordingLogger() },
    );
    generator.start();
    const running = generator;
    await waitFor('operations stuck in flight', () => {
      const report = running.snapshot();
      return report.operations.login.ok === 2 && report.inFlight > 0;
    });
    await generator.stop(100);
    const report = generator.snapshot();
    expect(report.state).toBe('finished');
    expect(report.inFlight).toBe(0);
    expect(report.totals.networkErrors).toBeGreaterThan(0);
    expect(report.totals.sent).toBe(
      report.totals.ok +
        report.totals.clientErrors +
        report.totals.serverErrors +
        report.totals.networkErrors,
    );
  });
});
