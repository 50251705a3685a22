import { tmpdir } from 'node:os';
import type { Io } from '../../src/io.js';

/** An Io that keeps what a command writes, not a terminal unless asked. */
export function captureIo(
  env: Record<string, string | undefined> = {},
  terminal: { isTTY?: boolean; columns?: number } = {},
) {
  const captured = { out: '', err: '' };
  const io: Io = {
    out: (text) => {
      captured.out += text;
    },
    err: (text) => {
      captured.err += text;
    },
    env,
    isTTY: terminal.isTTY ?? false,
    columns: terminal.columns,
    // Not the repository: a developer's own `make local` state must not change what a test sees.
    cwd: tmpdir(),
  };
  return { io, captured };
}
