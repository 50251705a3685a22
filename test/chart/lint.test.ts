import { describe, expect, it } from 'vitest';
import { allScenarios, helm } from './helm.ts';

describe('helm lint --strict', () => {
  it.each(allScenarios())('passes with %s', async (_name, args) => {
    const result = await helm(['lint', '--strict', 'charts/tracing-demo', ...args]);
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });
});
