import { createServiceApp } from '@tracing-demo/service-kit';
import { afterEach, describe, expect, it } from 'vitest';
import loadgenApp from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { LoadGenerator } from '../src/generator.js';
import { loadConfigFor, recordingLogger, startFakeGateway } from './fake-gateway.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function buildLoadgen(generator: LoadGenerator) {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const app = createServiceApp(config.server);
  await app.register(loadgenApp, { generator });
  await app.ready();
  closers.push(() => app.close());
  return app;
}

describe('loadgen routes', () => {
  it('is alive and ready once listening', async () => {
    const app = await buildLoadgen(
      new LoadGenerator(loadConfig({}).load, { log: recordingLogger() }),
    );
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready' });
  });

  it('serves the live report, the same document the final line prints', async () => {
    const gateway = await startFakeGateway();
    closers.push(gateway.close);
    const generator = new LoadGenerator(loadConfigFor(gateway.url), { log: recordingLogger() });
    const app = await buildLoadgen(generator);

    const idle = await app.inject('/report');
    expect(idle.statusCode).toBe(200);
    expect(idle.json()).toMatchObject({ kind: 'loadgen.report', state: 'idle', startedAt: null });

    generator.start();
    await generator.finished;
    const done = await app.inject('/report');
    expect(done.json()).toEqual(JSON.parse(JSON.stringify(generator.snapshot())));
    expect(done.json().operations.login.latencyMs).toMatchObject({ count: 2 });
  });
});
