import { describe, expect, it } from 'vitest';
import {
  checkCommands,
  checkLinksAndPaths,
  headingAnchors,
  makefileTargets,
  pathInCode,
  type RepoView,
} from './markdown-check.ts';

/** A repository of a few files, in memory. */
function repoOf(files: Record<string, string>): RepoView {
  const paths = Object.keys(files);
  return {
    exists: (path) => path === '.' || paths.some((p) => p === path || p.startsWith(`${path}/`)),
    read: (path) => files[path],
  };
}

const repo = repoOf({
  'README.md': '# demo\n',
  'docs/api.md': '# The API\n\n## Fault injection\n\n## `make local`\n',
  'collector/otel-collector.yaml': '',
  'charts/demo/README.md': '',
  'charts/demo/templates/a.yaml': '',
});

const messages = (file: string, text: string) =>
  checkLinksAndPaths(file, text, repo).map((p) => `${p.line}: ${p.message}`);

describe('relative links', () => {
  it('pass when the file and the heading exist', () => {
    expect(
      messages(
        'README.md',
        'See [the API](docs/api.md), [faults](docs/api.md#fault-injection), [x](https://x.org).',
      ),
    ).toEqual([]);
    expect(
      messages('docs/api.md', '[up](../README.md) [here](#the-api) [local](#make-local)'),
    ).toEqual([]);
  });

  it('fail on a missing file, a missing heading and a path outside the repository', () => {
    const text = [
      '[gone](docs/gone.md)',
      '[ref]: docs/old.md',
      '[no heading](docs/api.md#configuration)',
      '![image](../../shared/DESIGN.md)',
    ].join('\n');
    expect(messages('README.md', text)).toEqual([
      '1: link docs/gone.md: docs/gone.md does not exist',
      '2: link docs/old.md: docs/old.md does not exist',
      '3: link docs/api.md#configuration: docs/api.md has no heading #configuration',
      '4: link ../../shared/DESIGN.md: points outside the repository',
    ]);
  });

  it('are not read inside code', () => {
    expect(messages('README.md', '```\n[gone](docs/gone.md)\n```\n`[gone](docs/gone.md)`')).toEqual(
      [],
    );
  });
});

describe('repository paths in code spans', () => {
  it('pass when they exist from the root or from the file', () => {
    expect(messages('README.md', 'Runs `collector/otel-collector.yaml`; see `docs/`.')).toEqual([]);
    expect(messages('charts/demo/README.md', '`templates/a.yaml` and `docs/api.md`')).toEqual([]);
  });

  it('fail when a named folder lacks the file, or the path leaves the repository', () => {
    expect(
      messages('README.md', 'Reads `collector/old.yaml`.\n\nAs `../../shared/DESIGN.md` says'),
    ).toEqual([
      '1: path `collector/old.yaml`: collector/old.yaml does not exist',
      '3: path `../../shared/DESIGN.md`: points outside the repository',
    ]);
  });

  it('check the folder before a placeholder or glob', () => {
    expect(pathInCode('services/<name>/src')).toBe('services/');
    expect(pathInCode('grafana/dashboards/**/*.json')).toBe('grafana/dashboards/');
    expect(messages('README.md', '`gone/<name>/x` `collector/*.yaml` `docs/old/<x>.md`')).toEqual([
      '1: path `docs/old/<x>.md`: docs/old does not exist',
    ]);
  });

  it('leave alone what is not a path', () => {
    for (const code of [
      'GET/POST',
      'http.route',
      'http://x/y',
      'a/b:1.0',
      'make up/down',
      '~/.cache/x',
      '/usr/lib',
    ]) {
      expect(messages('README.md', `\`${code}\``), code).toEqual([]);
    }
    expect(
      messages(
        'charts/demo/README.md',
        "the `collector/contrib` image, `./src/k8s.io/*`, etcd's `../api`",
      ),
    ).toEqual([]);
  });
});

describe('commands shown in code', () => {
  const known = {
    makeTargets: new Set(['test', 'local', 'tools']),
    cliCommands: new Set(['trace']),
  };
  const commands = (text: string) =>
    checkCommands('README.md', text, known).map((p) => `${p.line}: ${p.message}`);

  it('pass when the make target and the CLI command exist', () => {
    expect(
      commands(
        '```sh\nmake local   # starts it\nnpx tracing-demo trace <id>\n```\n`make tools TOOLS_ONLY=helm`',
      ),
    ).toEqual([]);
    expect(commands('helm install demo charts/tracing-demo --namespace tracing-demo')).toEqual([]);
  });

  it('fail on an unknown make target or CLI command', () => {
    expect(
      commands('```sh\nmake run\n```\nThen `npx tracing-demo tail` and `make test lint`.'),
    ).toEqual([
      '2: make run: no such target in the Makefiles',
      '4: tracing-demo tail: no such command in packages/cli',
      '4: make lint: no such target in the Makefiles',
    ]);
  });
});

describe('makefileTargets', () => {
  it('reads rule targets and includes, not recipes, variables or pattern rules', () => {
    const makefile = [
      'include tools/tools.mk',
      'NPM := npm',
      '.PHONY: help test',
      'help: ## list',
      '\t@grep x: y',
      'test local: deps',
      'out/%.js: src/%.ts',
      'node_modules/.package-lock.json: package.json',
    ].join('\n');
    expect(makefileTargets(makefile)).toEqual({
      targets: ['help', 'test', 'local', 'node_modules/.package-lock.json'],
      includes: ['tools/tools.mk'],
    });
  });
});

describe('headingAnchors', () => {
  it('follows GitHub: lower case, punctuation dropped, spaces to hyphens, duplicates numbered', () => {
    expect([
      ...headingAnchors('# A b\n## `make local`: x\n## A b\n## Trace stores, Prometheus'),
    ]).toEqual(['a-b', 'make-local-x', 'a-b-1', 'trace-stores-prometheus']);
  });
});
