import { readFileSync } from 'node:fs';
import type { Command } from './command.js';
import { drillCommand } from './commands/drill.js';
import { searchCommand } from './commands/search.js';
import { statusCommand } from './commands/status.js';
import { traceCommand } from './commands/trace.js';
import { verifyCommand } from './commands/verify.js';
import { endpointHelp } from './endpoints.js';
import { CliError, UsageError } from './errors.js';
import type { Io } from './io.js';

export const COMMANDS: Command[] = [
  traceCommand,
  searchCommand,
  statusCommand,
  verifyCommand,
  drillCommand,
];

export const USAGE = `Usage: tracing-demo <command> [options]

Traces and the tracing pipeline from a terminal.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`).join('\n')}

\`tracing-demo <command> --help\` shows a command's options.

Endpoints (flag > environment > default, the local stack's ports):
${endpointHelp(['traces', 'tracesMetrics', 'prometheus', 'collectorMetrics', 'collectorHealth'])}

Colors only on a terminal, and never with NO_COLOR set.
Exit status: 0 ok, 1 something is down, missing or failed, 2 a bad command line or query.
`;

function version(): string {
  const manifest = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * The whole command line: picks the command, runs it, and turns what it throws into a message
 * and an exit status (2 with usage for a bad command line, the error's own status otherwise).
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.err(USAGE);
    return 2;
  }
  if (first === '--help' || first === '-h') {
    io.out(USAGE);
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.out(`${version()}\n`);
    return 0;
  }
  if (first === 'help') {
    const topic = COMMANDS.find((c) => c.name === rest[0]);
    io.out(topic ? topic.usage : USAGE);
    return topic || rest.length === 0 ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    const what = first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`;
    io.err(`tracing-demo: ${what}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command.run([...rest], io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`tracing-demo ${command.name}: ${error.message}\n\n${error.usage ?? command.usage}`);
      return 2;
    }
    if (error instanceof CliError) {
      io.err(`tracing-demo ${command.name}: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(
      `tracing-demo ${command.name}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
