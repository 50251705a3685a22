import { describe, expect, it } from 'vitest';
import { checkCommands, checkLinksAndPaths, formatProblems } from './markdown-check.ts';
import { cliCommands, diskRepo, makeTargets, markdownFiles } from './repo.ts';

describe('the Markdown of the repository', () => {
  const repo = diskRepo();
  const files = markdownFiles();

  it('is found (README.md, docs/, the component READMEs)', () => {
    expect(files).toContain('README.md');
    expect(files.filter((f) => f.startsWith('docs/')).length).toBeGreaterThan(3);
  });

  it('links and names only paths that exist in the repository', () => {
    const problems = files.flatMap((file) => checkLinksAndPaths(file, repo.read(file) ?? '', repo));
    expect(formatProblems(problems)).toBe('');
  });

  it('shows in README.md and docs/ only make targets and tracing-demo commands that exist', async () => {
    const known = { makeTargets: makeTargets(), cliCommands: await cliCommands() };
    // The check has something to check against: the two commands README.md gives.
    expect(known.makeTargets).toContain('test');
    expect(known.cliCommands).toContain('trace');
    const shown = files.filter((f) => f === 'README.md' || f.startsWith('docs/'));
    const problems = shown.flatMap((file) => checkCommands(file, repo.read(file) ?? '', known));
    expect(formatProblems(problems)).toBe('');
  });
});
