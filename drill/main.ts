/**
 * `make drill` / `tracing-demo drill`: runs the drill of DRILL=quick|full (quick by default),
 * prints the account, writes <DRILL_DIR or .local/drill>/report.json, and exits 1 when an
 * invariant broke.
 */
import { join } from 'node:path';
import { renderAccount, runDrill } from './drill.ts';
import { FAULT_NAMES, profileNamed } from './profiles.ts';

export async function main(
  settings: { profile?: string; dir?: string; only?: string[] } = {},
  out: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const profile = profileNamed(settings.profile ?? process.env.DRILL ?? 'quick');
  const dir =
    settings.dir ?? process.env.DRILL_DIR ?? join(import.meta.dirname, '..', '.local', 'drill');
  const unknown = (settings.only ?? []).filter(
    (name) => !(FAULT_NAMES as readonly string[]).includes(name),
  );
  if (unknown.length > 0)
    throw new Error(`no fault ${unknown.join(', ')}: the faults are ${FAULT_NAMES.join(', ')}`);
  const started = Date.now();
  const report = await runDrill({
    profile,
    dir,
    only: settings.only,
    progress: (message) =>
      out(`[drill ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`),
  });
  out(`\n${renderAccount(report.windows)}`);
  for (const crash of report.crashes) out(`✗ ${crash}\n`);
  out(
    `${report.ok ? 'every invariant held' : 'INVARIANTS BROKEN (✗ above)'}; report: ${join(dir, 'report.json')}\n`,
  );
  return report.ok ? 0 : 1;
}

if (import.meta.main) {
  process.exitCode = await main();
}
