import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '../args.js';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../errors.js';

const usage = `Usage: tracing-demo drill [options]

The fault drill (docs/drill.md): starts the whole platform on free loopback ports as
\`make local\` does, drives it with loadgen at a steady rate, and runs the fault schedule one fault
at a time with a recovery gap: the collector SIGKILLed, SIGSTOPped and SIGTERMed, Jaeger,
RabbitMQ and PostgreSQL stopped and started again, payment-service SIGKILLed, payment failures
at 50 %. Then it prints the account per fault window (requests by status, orders, events,
error traces, sampled traces lost, peak RSS, p50/p99) and writes report.json.

  tracing-demo drill                  # quick: every fault once, short windows (~2.5 min)
  tracing-demo drill --profile full   # the issue's windows at a higher rate (~10 min)

Options:
  --profile P   quick or full (DRILL; default quick)
  --dir DIR     the run's directory: report.json, requests.jsonl, logs/, state/
                (DRILL_DIR; default .local/drill in the repository)
  --only F,…    only these faults, e.g. --only collector-hang,postgresql-down (faults:
                collector-kill, collector-hang, collector-term, trace-store-down,
                rabbitmq-down, postgresql-down, payment-kill, payment-faults)
  -h, --help    this help

Runs from a checkout of the repository (the drill is drill/ there, built tools and services
included: \`make drill\` does both), on Node 24.

Exit status: 0 every invariant held, 1 one broke (marked ✗ in the table) or the drill failed,
2 bad arguments.
`;

/** drill/main.ts of the checkout this CLI was built in. */
const DRILL = new URL('../../../../drill/main.ts', import.meta.url);

export const drillCommand: Command = {
  name: 'drill',
  summary: 'run the fault drill over a local platform and account for every order and trace',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      { profile: { type: 'string' }, dir: { type: 'string' }, only: { type: 'string' } },
      usage,
    );
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected '${positionals[0]}'`, usage);
    const profile = values.profile ?? process.env.DRILL ?? 'quick';
    if (profile !== 'quick' && profile !== 'full')
      throw new UsageError(`--profile is quick or full, not '${profile}'`, usage);
    if (!existsSync(fileURLToPath(DRILL)))
      throw new CliError(
        `the drill runs from a checkout of the repository (${DRILL.pathname} is missing)`,
      );
    const only = values.only?.split(',').map((name) => name.trim());
    let drill: {
      main(
        settings: { profile?: string; dir?: string; only?: string[] },
        out: (text: string) => void,
      ): Promise<number>;
    };
    try {
      drill = await import(DRILL.href);
    } catch (error) {
      throw new CliError(
        `cannot load the drill (it is TypeScript: run it with Node 24, node_modules/.bin/node): ${(error as Error).message}`,
      );
    }
    try {
      return await drill.main({ profile, dir: values.dir, only }, (text) => io.out(text));
    } catch (error) {
      if ((error as Error).message.startsWith('no fault '))
        throw new UsageError((error as Error).message, usage);
      throw error;
    }
  },
};
