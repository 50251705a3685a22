import type { Io } from './io.js';

/** A subcommand: `tracing-demo <name> …`. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text. */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the exit status. */
  run(args: string[], io: Io): Promise<number>;
}
