import { runService } from '@tracing-demo/service-kit';
import { shutdownTelemetry } from '@tracing-demo/telemetry';
import loadgenApp from './app.js';
import { type LoadgenConfig, loadConfig } from './config.js';
import { LoadGenerator } from './generator.js';

let generator: LoadGenerator | undefined;
let closing = false;

await runService<LoadgenConfig>({
  name: 'loadgen',
  loadConfig,
  plugin: async (app, config) => {
    const created = new LoadGenerator(config.load, { log: app.log });
    generator = created;
    await app.register(loadgenApp, { generator: created });
    // Runs on SIGTERM/SIGINT (and at the end of a timed run): no new ticks, let in-flight
    // requests finish, then the final report as one JSON line.
    app.addHook('onClose', async () => {
      closing = true;
      await created.stop();
      process.stdout.write(`${JSON.stringify(created.snapshot())}\n`);
      // runService would flush next anyway; flushing here lets the last line say the spans are
      // out (or given up on), which is what a script or a test reading the output waits for.
      await shutdownTelemetry();
      app.log.info('telemetry shut down, exiting');
    });
  },
});

if (generator) {
  generator.start();
  void generator.finished.then(() => {
    // A timed run ends the way a stop does, through runService's one shutdown path: report,
    // flush spans, exit 0.
    if (!closing) process.kill(process.pid, 'SIGTERM');
  });
}
