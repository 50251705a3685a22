import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderAll } from './render.ts';

/**
 * Writes grafana/dashboards/*.json and grafana/dashboards/<backend>/*.json from the code in
 * grafana/src. The JSON is committed (the chart and Grafana's file provisioner read it as is);
 * test/grafana fails when it drifts from the code. Files for dashboards that no longer exist are
 * removed so they cannot linger in Grafana.
 */
const outDir = join(import.meta.dirname, '..', 'dashboards');
mkdirSync(outDir, { recursive: true });
const rendered = renderAll();
const existing = readdirSync(outDir, { recursive: true, encoding: 'utf8' });
for (const file of existing) {
  if (file.endsWith('.json') && !rendered.has(file)) rmSync(join(outDir, file));
}
for (const [file, text] of rendered) {
  mkdirSync(dirname(join(outDir, file)), { recursive: true });
  writeFileSync(join(outDir, file), text);
}
console.log(`wrote ${rendered.size} dashboards to ${outDir}`);
