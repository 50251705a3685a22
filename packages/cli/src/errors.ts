/**
 * An error the CLI reports as one line on stderr before exiting with `exitCode`: 1 when
 * something the command looked at is wrong or missing, 2 when the command line or the query is.
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A bad command line: the command's usage is printed with the message, exit 2. */
export class UsageError extends CliError {
  /** The usage text of the command that was being parsed, if known. */
  readonly usage: string | undefined;

  constructor(message: string, usage?: string) {
    super(message, 2);
    this.name = 'UsageError';
    this.usage = usage;
  }
}

/** A component did not answer at all (connection refused, DNS, timeout). */
export class UnreachableError extends CliError {
  readonly url: string;

  constructor(message: string, url: string) {
    super(message, 1);
    this.name = 'UnreachableError';
    this.url = url;
  }
}
