/** What the docs check reads from the working tree: the Markdown, the Makefiles, the CLI. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makefileTargets, type RepoView } from './markdown-check.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Installed or generated output: never a fact a document may rely on in a fresh clone. */
const GENERATED = new Set(['node_modules', '.git', '.local', '.tmp', 'dist', 'coverage']);
/** Markdown kept as test input, not documentation. */
const NOT_DOCS = new Set([...GENERATED, 'fixtures']);

const posixPath = (path: string) => path.split(sep).join('/');

export function diskRepo(root = ROOT): RepoView {
  return {
    exists: (path) =>
      !path.split('/').some((part) => GENERATED.has(part)) && existsSync(join(root, path)),
    read: (path) =>
      existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined,
  };
}

/** Every Markdown file of the repository, as paths from its root. */
export function markdownFiles(root = ROOT): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (NOT_DOCS.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) files.push(posixPath(relative(root, path)));
    }
  };
  walk(root);
  return files.sort();
}

/** Every rule target of the root Makefile and the files it includes. */
export function makeTargets(root = ROOT): Set<string> {
  const targets = new Set<string>();
  const pending = ['Makefile'];
  for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
    const parsed = makefileTargets(readFileSync(join(root, file), 'utf8'));
    for (const target of parsed.targets) targets.add(target);
    // Includes computed from make variables (tools.mk's versions.env) hold no rules.
    pending.push(...parsed.includes.filter((f) => !f.includes('$') && existsSync(join(root, f))));
  }
  return targets;
}

/** The names in the CLI's command table (`COMMANDS` in packages/cli/src/cli.ts). */
export async function cliCommands(root = ROOT): Promise<Set<string>> {
  const source = pathToFileURL(join(root, 'packages/cli/src/cli.ts')).href;
  const cli = (await import(source)) as { COMMANDS: { name: string }[] };
  return new Set(cli.COMMANDS.map((command) => command.name));
}
