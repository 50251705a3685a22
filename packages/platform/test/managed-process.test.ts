import { spawnManaged, whenReady } from '@tracing-demo/platform';
import { expect, it } from 'vitest';

it('stops waiting for a program as soon as it exits, and says what it printed', async () => {
  const program = spawnManaged(
    process.execPath,
    ['-e', 'console.log("listen EADDRINUSE: address already in use"); process.exit(3)'],
    { env: { PATH: process.env.PATH ?? '' } },
  );
  const started = Date.now();
  const waiting = whenReady(program, 'quitter', async () => false, 30_000);
  await expect(waiting).rejects.toThrow(/quitter exited before it was ready[\s\S]*EADDRINUSE/);
  // Long before the 30 s timeout, which is what it waited for before.
  expect(Date.now() - started).toBeLessThan(10_000);
});
