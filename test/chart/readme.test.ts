import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentValues, renderReadme } from '../../charts/tracing-demo/scripts/readme.ts';
import { CHART } from './helm.ts';

describe('charts/tracing-demo/README.md', () => {
  it('is what scripts/readme.ts renders from README.md.gotmpl and values.yaml (run: npx node charts/tracing-demo/scripts/readme.ts)', () => {
    expect(readFileSync(join(CHART, 'README.md'), 'utf8') === renderReadme(CHART)).toBe(true);
  });

  it('documents every value with a `# --` comment', () => {
    const { docs, undocumented } = documentValues(readFileSync(join(CHART, 'values.yaml'), 'utf8'));
    expect(undocumented).toEqual([]);
    expect(docs.filter((doc) => doc.description === '').map((doc) => doc.key)).toEqual([]);
  });

  it('would name a value nobody documented', () => {
    const { undocumented } = documentValues(
      '# -- documented\na: 1\nb:\n  # -- documented too\n  c: 2\n  d: 3\n',
    );
    expect(undocumented).toEqual(['b.d']);
  });
});
