/**
 * Where a command writes and what it knows about its terminal. Commands never touch `process`
 * directly, so tests run them in-process with captured output.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (colors, width). */
  isTTY: boolean;
  /** The terminal's width when stdout is one. */
  columns: number | undefined;
  /** The working directory, where `make local`'s state directory (.local/) is looked for. */
  cwd: string;
}

/** The real process: stdout/stderr, its environment and its terminal. */
export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    cwd: process.cwd(),
  };
}

/** Colors only on a terminal, never with NO_COLOR (https://no-color.org), always with FORCE_COLOR. */
export function wantsColor(io: Io): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.isTTY && io.env.TERM !== 'dumb';
}

/** The width to lay tables and waterfalls out in: the terminal's, or 100 columns otherwise. */
export function outputWidth(io: Io, requested?: number): number {
  return requested ?? (io.isTTY && io.columns ? io.columns : 100);
}
