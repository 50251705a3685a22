/**
 * The docs check's logic, free of the file system so a unit test can feed it bad Markdown:
 * relative links and backticked repository paths must resolve, `make` targets and
 * `tracing-demo` commands shown must exist.
 */
import { posix } from 'node:path';

/** What the check may ask about the repository; paths are relative to its root, with `/`. */
export interface RepoView {
  /** True when the file or directory exists and is not generated or installed output. */
  exists(path: string): boolean;
  /** The text of a Markdown file, for its headings (link fragments). */
  read(path: string): string | undefined;
}

export interface Problem {
  file: string;
  line: number;
  message: string;
}

/** A piece of inline or fenced code, with the line it starts on. */
interface Code {
  text: string;
  line: number;
  fenced: boolean;
  /** The rest of the line after an inline code span. */
  after: string;
}

interface Scan {
  links: { target: string; line: number }[];
  code: Code[];
  headings: string[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const INLINE_CODE = /(`+)(.+?)\1(?!`)/g;
const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/;
const HTML_HREF = /<(?:a|img)\s[^>]*(?:href|src)="([^"]+)"/g;
const HEADING = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/;

/** Links, code and headings of a Markdown text; links and headings outside code only. */
export function scanMarkdown(text: string): Scan {
  const scan: Scan = { links: [], code: [], headings: [] };
  let fence: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const opener = FENCE.exec(raw)?.[1];
    if (fence !== undefined) {
      if (
        opener &&
        opener[0] === fence[0] &&
        opener.length >= fence.length &&
        !raw.trim().slice(opener.length)
      ) {
        fence = undefined;
      } else {
        scan.code.push({ text: raw, line, fenced: true, after: '' });
      }
      return;
    }
    if (opener) {
      fence = opener;
      return;
    }
    for (const match of raw.matchAll(INLINE_CODE)) {
      const after = raw.slice((match.index ?? 0) + match[0].length);
      scan.code.push({ text: match[2] ?? '', line, fenced: false, after });
    }
    const prose = raw.replace(INLINE_CODE, (m) => ' '.repeat(m.length));
    const heading = HEADING.exec(raw)?.[1];
    if (heading !== undefined) scan.headings.push(heading);
    for (const match of prose.matchAll(INLINE_LINK))
      scan.links.push({ target: match[1] ?? '', line });
    for (const match of prose.matchAll(HTML_HREF))
      scan.links.push({ target: match[1] ?? '', line });
    const definition = REFERENCE_DEFINITION.exec(prose)?.[1];
    if (definition) scan.links.push({ target: definition, line });
  });
  return scan;
}

/** The anchors GitHub gives a file's headings (`## The API` -> `the-api`), duplicates numbered. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const heading of scanMarkdown(text).headings) {
    const base = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Resolves a path named in `file` to a repository path, or undefined when it leaves the repo. */
function resolve(file: string, target: string): string | undefined {
  const joined = target.startsWith('/') ? target.slice(1) : posix.join(posix.dirname(file), target);
  const normal = posix.normalize(joined).replace(/\/$/, '');
  if (normal === '..' || normal.startsWith('../')) return undefined;
  return normal === '' ? '.' : normal;
}

/**
 * The part of a code span that can be checked when it names a repository path: the text up to
 * a placeholder or glob (`services/<name>/`, `grafana/dashboards/**`) is cut back to its folder.
 * Undefined when the span is not a path: spaces, a URL, `host:port`, an image, an assignment.
 */
export function pathInCode(code: string): string | undefined {
  const text = code.trim();
  if (!text.includes('/') || /[\s:=$'"`()|;,]/.test(text)) return undefined;
  if (text.startsWith('/') || text.startsWith('~')) return undefined;
  const wild = text.search(/[*<>{}[\]…]|\.\.\.|%/);
  if (wild === -1) return text.replace(/#.*$/, '');
  const prefix = text.slice(0, wild);
  const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  return folder === '' ? undefined : folder;
}

/**
 * Problems with the links and repository paths of one Markdown file. A relative link must
 * resolve inside the repository (and a fragment to a heading of the Markdown file it names); a
 * code span that looks like a path is checked when its first folder exists next to the file or
 * at the root, so `jaeger/jaeger.yaml` is checked and `http.route`, `GET/POST` or a
 * `grafana/tempo` image are not.
 */
export function checkLinksAndPaths(file: string, text: string, repo: RepoView): Problem[] {
  const problems: Problem[] = [];
  const scan = scanMarkdown(text);
  for (const { target, line } of scan.links) {
    if (SCHEME.test(target)) continue;
    const [rawPath = '', fragment] = target.split('#', 2);
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      problems.push({ file, line, message: `link ${target}: not a valid URL path` });
      continue;
    }
    const resolved = path === '' ? file : resolve(file, path);
    if (resolved === undefined) {
      problems.push({ file, line, message: `link ${target}: points outside the repository` });
      continue;
    }
    if (!repo.exists(resolved)) {
      problems.push({ file, line, message: `link ${target}: ${resolved} does not exist` });
      continue;
    }
    if (fragment && resolved.endsWith('.md')) {
      const anchors = headingAnchors(repo.read(resolved) ?? '');
      if (!anchors.has(fragment.toLowerCase())) {
        problems.push({
          file,
          line,
          message: `link ${target}: ${resolved} has no heading #${fragment}`,
        });
      }
    }
  }
  for (const { text: code, line, fenced, after } of scan.code) {
    // Fenced code is commands and pictures; `grafana/tempo` image names an image, not a path.
    if (fenced || /^\s+images?\b/.test(after)) continue;
    const path = pathInCode(code);
    if (path === undefined) continue;
    // A path is checked when its first folder exists: next to the file for ./ and ../ (which
    // must stay inside the repository), or next to the file or at the root otherwise.
    const lead = /^(?:\.\.?\/)*/.exec(path)?.[0] ?? '';
    const first = path.slice(lead.length).split('/')[0] ?? '';
    if (lead !== '' && resolve(file, path) === undefined) {
      problems.push({ file, line, message: `path \`${code}\`: points outside the repository` });
      continue;
    }
    const anchors = lead !== '' ? [resolve(file, lead + first)] : [resolve(file, first), first];
    if (!anchors.some((p) => p !== undefined && repo.exists(p))) continue;
    const candidates =
      lead !== '' ? [resolve(file, path)] : [resolve(file, path), resolve('README.md', path)];
    const inside = [...new Set(candidates.filter((p): p is string => p !== undefined))];
    if (!inside.some((p) => repo.exists(p))) {
      problems.push({
        file,
        line,
        message: `path \`${code}\`: ${inside.join(' or ')} does not exist`,
      });
    }
  }
  return problems;
}

// In command position only: at the start of the code, after a shell separator, `$ ` or a backtick.
const MAKE = /(?:^|[;&|(`$])[ \t]*make((?:[ \t]+[^\s`#|;&)]+)+)/g;
// In command position only: `helm install x charts/tracing-demo -n tracing-demo` names no command.
const CLI = /(?:^|npx[ \t]+|[#;&|$][ \t]*)tracing-demo[ \t]+([a-z][\w-]*)/g;

/** The targets a `make …` command line names: its words up to a comment, without flags and VAR=value. */
function makeTargetsIn(words: string): string[] {
  const targets: string[] = [];
  for (const word of words.trim().split(/[ \t]+/)) {
    if (word.startsWith('-') || word.includes('=')) continue;
    if (!/^[a-z0-9][\w.-]*$/i.test(word)) break;
    targets.push(word);
  }
  return targets;
}

/** Problems with the `make` targets and `tracing-demo` commands a Markdown text shows in code. */
export function checkCommands(
  file: string,
  text: string,
  known: { makeTargets: ReadonlySet<string>; cliCommands: ReadonlySet<string> },
): Problem[] {
  const problems: Problem[] = [];
  for (const { text: code, line } of scanMarkdown(text).code) {
    for (const match of code.matchAll(MAKE)) {
      for (const target of makeTargetsIn(match[1] ?? '')) {
        if (!known.makeTargets.has(target)) {
          problems.push({ file, line, message: `make ${target}: no such target in the Makefiles` });
        }
      }
    }
    for (const match of code.matchAll(CLI)) {
      const command = match[1] ?? '';
      if (!known.cliCommands.has(command)) {
        problems.push({
          file,
          line,
          message: `tracing-demo ${command}: no such command in packages/cli`,
        });
      }
    }
  }
  return problems;
}

/** Rule targets of one Makefile's text (not pattern rules, special targets or variables). */
export function makefileTargets(text: string): { targets: string[]; includes: string[] } {
  const targets: string[] = [];
  const includes: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('\t') || line.startsWith('#')) continue;
    const include = /^-?include\s+(.+)$/.exec(line)?.[1];
    if (include) {
      includes.push(...include.trim().split(/\s+/));
      continue;
    }
    const rule = /^([^:#=\s][^:#=]*?)\s*::?(?!=)/.exec(line)?.[1];
    if (!rule) continue;
    for (const target of rule.split(/\s+/)) {
      if (!target.startsWith('.') && !/[%$]/.test(target)) targets.push(target);
    }
  }
  return { targets, includes };
}

/** One line per problem, for a test failure that says what to fix. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n');
}
