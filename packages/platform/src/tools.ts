import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

/**
 * The path of a real program built by `make tools` (tools/which.sh is the one place that knows
 * where they live), or an error saying to run `make tools`.
 */
export function toolPath(name: string): string {
  try {
    return execFileSync('bash', [join(repoRoot, 'tools', 'which.sh'), name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(stderr || `${name} is not built: run 'make tools'`);
  }
}

export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}
