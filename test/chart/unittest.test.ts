import { expect, it } from 'vitest';
import { helm, helmErrors } from './helm.ts';

it('passes every helm-unittest spec in charts/tracing-demo/tests', {
  timeout: 180_000,
}, async () => {
  const result = await helm(['unittest', 'charts/tracing-demo']);
  expect(result.code, `${result.stdout}\n${helmErrors(result.stderr)}`).toBe(0);
  expect(result.stdout).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  expect(result.stdout).not.toMatch(/failed/);
});
