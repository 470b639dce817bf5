import { parseArgs } from 'node:util';

/** The command line of `pnpm bench`. */
export interface BenchArgs {
  json: boolean;
  quick: boolean;
  /** Suite selectors from `--only` (comma-separated, repeatable); empty = every suite. */
  only: string[];
  rounds: number | undefined;
  help: boolean;
}

export const USAGE = `Usage: pnpm bench [--quick] [--json] [--only <name>[,<name>...]] [--rounds <n>]

  --quick          small sizes and one round: a smoke run of the harness (numbers are not meaningful)
  --json           print one JSON document instead of the table
  --only <names>   run only these suites: a full name (sqlite.log-batch), a figure (log-batch)
                   or an engine (sqlite); comma-separated or repeated
  --rounds <n>     measured rounds per side (default 5, 1 with --quick)
  --list           print the suite names and exit`;

/** Parses argv (without node and the script); a bare `--` that pnpm passes along is ignored. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs & { list: boolean } {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      json: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      rounds: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  let rounds: number | undefined;
  if (values.rounds !== undefined) {
    rounds = Number(values.rounds);
    if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number >= 1, not ${values.rounds}`);
  }
  return {
    json: values.json ?? false,
    quick: values.quick ?? false,
    only: (values.only ?? [])
      .flatMap((o) => o.split(','))
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
    rounds,
    list: values.list ?? false,
    help: values.help ?? false,
  };
}

/** True when `selector` picks suite `name`: the full name, its figure part, or its engine part. */
export function selects(selector: string, name: string): boolean {
  const dot = name.indexOf('.');
  return selector === name || (dot > 0 && (selector === name.slice(0, dot) || selector === name.slice(dot + 1)));
}
