import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { renderAll } from '../../grafana/src/render.ts';
import { DASHBOARD_DIR } from './dashboard-queries.ts';

it('the committed dashboards are exactly what grafana/src generates (run: node grafana/src/generate.ts)', () => {
  const generated = renderAll();
  const committed = readdirSync(DASHBOARD_DIR, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.json'),
  );
  expect(committed.sort()).toEqual([...generated.keys()].sort());
  for (const [file, text] of generated) {
    // Compared after parsing, key order included: the committed files are the generator's
    // output run through the repository's formatter (biome), which only changes whitespace.
    const committedJson = JSON.stringify(
      JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')),
    );
    expect(committedJson, file).toBe(JSON.stringify(JSON.parse(text)));
  }
});

it('generating twice gives byte-identical output', () => {
  expect([...renderAll()]).toEqual([...renderAll()]);
});
