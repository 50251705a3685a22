import { toolPath } from '@tracing-demo/testkit';
import { describe, expect, it } from 'vitest';
import { allScenarios, manifests, run, template } from './helm.ts';

/**
 * The Prometheus Operator's kinds are CRDs, which the offline Kubernetes schemas do not have:
 * kubeconform skips exactly those two kinds (and the test checks nothing else was skipped).
 */
const CRD_KINDS = ['ServiceMonitor', 'PrometheusRule'];

describe('helm template | kubeconform -strict (Kubernetes 1.35 schemas, offline)', () => {
  it.each(allScenarios())('%s: every manifest is valid', async (_name, args) => {
    const rendered = await template(args);
    // The wrapper adds the schema location and -kubernetes-version 1.35.0.
    const result = await run(
      toolPath('kubeconform'),
      ['-strict', '-summary', '-skip', CRD_KINDS.join(',')],
      { input: rendered },
    );
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    const crds = manifests(rendered).filter((m) => CRD_KINDS.includes(m.kind)).length;
    expect(result.stdout).toMatch(
      new RegExp(`Valid: \\d+, Invalid: 0, Errors: 0, Skipped: ${crds}\\b`),
    );
  });
});
