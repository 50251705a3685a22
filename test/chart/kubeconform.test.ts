import { describe, expect, it } from 'vitest';
import { allScenarios, CRD_KINDS, kubeconform, manifests, template } from './helm.ts';

describe('helm template | kubeconform -strict (Kubernetes 1.35 schemas, offline)', () => {
  it.each(allScenarios())('%s: every manifest is valid', async (_name, args) => {
    const rendered = await template(args);
    const result = await kubeconform(rendered);
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    // Only the CRDs were skipped.
    const crds = manifests(rendered).filter((m) => CRD_KINDS.includes(m.kind)).length;
    expect(result.stdout).toMatch(
      new RegExp(`Valid: \\d+, Invalid: 0, Errors: 0, Skipped: ${crds}\\b`),
    );
  });
});
