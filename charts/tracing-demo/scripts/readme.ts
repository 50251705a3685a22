/**
 * Renders the chart's README.md from README.md.gotmpl and the `# --` comments of values.yaml, the
 * way helm-docs does (helm-docs is not available on these machines). Run with Node 24 (the
 * project's devDependency, hence npx):
 *
 *   npx node charts/tracing-demo/scripts/readme.ts           rewrite README.md
 *   npx node charts/tracing-demo/scripts/readme.ts --check   exit 1 when README.md is stale
 *
 * Comments follow helm-docs: `# -- text` right above a key documents it (more `#` lines continue
 * the text, `# -- (type) text` names the type, `# @default -- text` replaces the default shown).
 * A documented map covers its undocumented children; every other value must be documented, or
 * rendering fails naming the value.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export interface ValueDoc {
  key: string;
  type: string;
  default: string;
  description: string;
}

interface PendingDoc {
  lines: string[];
  default?: string;
}

const KEY_LINE = /^(\s*)("([^"]+)"|'([^']+)'|[^\s:#"'-][^:#]*?):(\s|$)/;

function valueAt(values: unknown, path: string[]): unknown {
  let current = values;
  for (const part of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null || value === undefined) return 'string';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** Every leaf value's path (maps are walked; lists and empty maps are leaves). */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > 0)
      return entries.flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
  }
  return [prefix];
}

/** The documented values of a values.yaml, in file order, and the values nothing documents. */
export function documentValues(text: string): { docs: ValueDoc[]; undocumented: string[] } {
  const values = parse(text) as unknown;
  const docs: ValueDoc[] = [];
  const documented = new Set<string>();
  const stack: { indent: number; key: string }[] = [];
  let pending: PendingDoc | undefined;

  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      pending = undefined;
      continue;
    }
    const doc = /^\s*# -- ?(.*)$/.exec(line);
    if (doc) {
      pending = { lines: [doc[1] ?? ''] };
      continue;
    }
    const customDefault = /^\s*# @default -- ?(.*)$/.exec(line);
    if (customDefault && pending) {
      pending.default = customDefault[1];
      continue;
    }
    const comment = /^\s*#\s?(.*)$/.exec(line);
    if (comment) {
      pending?.lines.push(comment[1] ?? '');
      continue;
    }
    const key = KEY_LINE.exec(line);
    if (!key) {
      // A list item or a continuation line: part of the value above.
      pending = undefined;
      continue;
    }
    const indent = (key[1] ?? '').length;
    const name = key[3] ?? key[4] ?? (key[2] ?? '').trim();
    while (stack.length > 0 && (stack.at(-1)?.indent ?? 0) >= indent) stack.pop();
    const path = [...stack.map((entry) => entry.key), name];
    stack.push({ indent, key: name });
    if (!pending) continue;

    const value = valueAt(values, path);
    let description = pending.lines.join(' ').trim();
    let type = typeOf(value);
    const typed = /^\((\w+)\)\s*(.*)$/.exec(description);
    if (typed) {
      type = typed[1] ?? type;
      description = typed[2] ?? '';
    }
    docs.push({
      key: path.join('.'),
      type,
      default: pending.default ?? JSON.stringify(value ?? null),
      description,
    });
    documented.add(path.join('.'));
    pending = undefined;
  }

  const undocumented = leafPaths(values)
    .filter((path) => !path.some((_, i) => documented.has(path.slice(0, i + 1).join('.'))))
    .map((path) => path.join('.'));
  return { docs, undocumented };
}

const cell = (text: string) => text.replaceAll('|', '\\|');

export function valuesTable(docs: ValueDoc[]): string {
  const rows = docs.map(
    (doc) =>
      `| ${cell(doc.key)} | ${doc.type} | \`${cell(doc.default)}\` | ${cell(doc.description)} |`,
  );
  return [
    '| Key | Type | Default | Description |',
    '|-----|------|---------|-------------|',
    ...rows,
  ].join('\n');
}

/** README.md for the chart in `chartDir`: the template with helm-docs' `{{ template "…" . }}` calls filled in. */
export function renderReadme(chartDir: string): string {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as {
    name: string;
    version: string;
    appVersion: string;
    type?: string;
    description: string;
  };
  const { docs, undocumented } = documentValues(
    readFileSync(join(chartDir, 'values.yaml'), 'utf8'),
  );
  if (undocumented.length > 0) {
    throw new Error(
      `values.yaml: no "# --" comment documents ${undocumented.join(', ')} (nor a map holding it)`,
    );
  }
  const table = valuesTable(docs);
  const templates: Record<string, string> = {
    'chart.header': `# ${chart.name}`,
    'chart.description': chart.description,
    'chart.versionBadge': `![Version: ${chart.version}](https://img.shields.io/badge/Version-${chart.version.replaceAll('-', '--')}-informational?style=flat-square)`,
    'chart.typeBadge': `![Type: ${chart.type ?? 'application'}](https://img.shields.io/badge/Type-${chart.type ?? 'application'}-informational?style=flat-square)`,
    'chart.appVersionBadge': `![AppVersion: ${chart.appVersion}](https://img.shields.io/badge/AppVersion-${chart.appVersion.replaceAll('-', '--')}-informational?style=flat-square)`,
    'chart.valuesTable': table,
    'chart.valuesSection': `## Values\n\n${table}`,
  };
  const template = readFileSync(join(chartDir, 'README.md.gotmpl'), 'utf8');
  const body = template.replace(
    /\{\{-?\s*template\s+"([^"]+)"\s+\.\s*-?\}\}/g,
    (_, name: string) => {
      const text = templates[name];
      if (text === undefined) throw new Error(`README.md.gotmpl: unknown template "${name}"`);
      return text;
    },
  );
  return `<!-- Generated by scripts/readme.ts from README.md.gotmpl and values.yaml: edit those, then run\n     npx node charts/tracing-demo/scripts/readme.ts -->\n${body}`;
}

const chartDir = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readme = join(chartDir, 'README.md');
  const rendered = renderReadme(chartDir);
  if (process.argv.includes('--check')) {
    const current = readFileSync(readme, 'utf8');
    if (current !== rendered) {
      process.stderr.write(
        'charts/tracing-demo/README.md is stale: run npx node charts/tracing-demo/scripts/readme.ts\n',
      );
      process.exit(1);
    }
  } else {
    writeFileSync(readme, rendered);
  }
}
