import type { Argv } from 'yargs';
import { COMMANDS } from './commands/index.js';
import { dashArguments, type DashArguments } from './dash-arguments.js';
import { isGroup, listWords, yargsCommand, type CommandSpec, type Spec } from './commands/spec.js';
import type { CliContext } from './context.js';
import { simpleArgs } from './simple-args.js';
import { exitCodeOf, isUsageError, UsageError } from './usage-error.js';
import { VERSION } from './version.js';

/** Exit codes: 0 done, 1 the command failed (bad file, table, column, SQL…), 2 `xt` was called wrongly. */
export const EXIT = { ok: 0, error: 1, usage: 2 } as const;

/**
 * Parses `argv` (without `node` and the script), runs the command against `context` and returns
 * the exit code. Errors become one line on stderr (`xt: …`), with the stack only when
 * XT_DEBUG=1. Command modules are imported only when their command runs, and yargs only when
 * the line is not simple (`simpleArgs`), to start fast.
 */
export async function runCli(argv: readonly string[], context: CliContext, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const specs = await loadSpecs(argv);
  const exit = { code: EXIT.ok as number };
  const dashes = dashArguments(argv);
  try {
    const simple = simpleLine(argv, specs);
    if (simple) await runCommand(simple.spec, context, simple.args, exit);
    else {
      if (dashes.hiddenHelp !== undefined) {
        throw new UsageError(`Unknown option ${JSON.stringify(dashes.hiddenHelp)}: ask for help with -h or --help alone, and give an option's value after a space (-o FILE).`);
      }
      await (await buildParser(context, dashes, specs, exit)).parseAsync();
    }
    return exit.code;
  } catch (error) {
    return report(error, [...argv], specs, context, env, dashes);
  }
}

/** The one command `argv` names and its arguments, when the line needs no parser (`simpleArgs`). */
function simpleLine(argv: readonly string[], specs: readonly Spec[]): { spec: CommandSpec; args: Record<string, unknown> } | undefined {
  const [spec, ...others] = specs;
  if (spec === undefined || others.length > 0 || isGroup(spec)) return undefined;
  const args = simpleArgs(argv, spec);
  return args && { spec, args };
}

/** A command the arguments name: its words (`stats top`) and how it is called (`xt stats top <db> <column>`). */
interface Named {
  path: string;
  signature?: string;
}

/** The spec of the command the arguments name (`head`, `stats top`), among the loaded ones. */
function commandOf(argv: readonly string[], specs: readonly Spec[]): Named | undefined {
  const [first, second] = argv.filter((a) => !a.startsWith('-'));
  const spec = specs.find((s) => s.name === first);
  if (spec === undefined) return undefined;
  if (!isGroup(spec)) return { path: spec.name, signature: `xt ${spec.signature}` };
  const inner = spec.commands.find((c) => c.name === second);
  return inner === undefined ? { path: spec.name } : { path: `${spec.name} ${inner.name}`, signature: `xt ${spec.name} ${inner.signature}` };
}

/** yargs' messages, said in terms of this tool. */
function usageMessage(message: string, argv: readonly string[], specs: readonly Spec[]): string {
  const command = commandOf(argv, specs);
  const first = argv.find((a) => !a.startsWith('-'));
  if (command === undefined && first !== undefined && /^Unknown argument/.test(message)) {
    return `Unknown command ${JSON.stringify(first)}. Commands: ${COMMANDS.map((c) => c.name).join(', ')}.`;
  }
  if (command?.signature && /^Not enough non-option arguments/.test(message)) return `Missing arguments: ${command.signature}.`;
  return message;
}

function report(error: unknown, argv: readonly string[], specs: readonly Spec[], context: CliContext, env: NodeJS.ProcessEnv, dashes: DashArguments): number {
  const usage = isUsageError(error) || (error instanceof Error && error.name === 'YError');
  const raw = dashes.restoreText(error instanceof Error ? error.message : String(error));
  const message = usage ? usageMessage(raw, argv, specs) : raw;
  const command = commandOf(argv, specs);
  const hint = usage ? ` (see xt ${command === undefined ? '' : `${command.path} `}--help)` : '';
  context.stderr.write(`xt: ${message}${hint}\n`);
  if (env.XT_DEBUG === '1' && error instanceof Error) context.stderr.write(`${debugText(error)}\n`);
  return exitCodeOf(error) ?? (usage ? EXIT.usage : EXIT.error);
}

function debugText(error: Error): string {
  let text = error.stack ?? String(error);
  let cause: unknown = error.cause;
  while (cause instanceof Error) {
    text += `\nCaused by: ${cause.stack ?? cause.message}`;
    cause = cause.cause;
  }
  return text;
}

/**
 * The specs to register: only the named command's module when the first word names one (so
 * `xt head` loads nothing else); every module for `--help`, `--version` and mistakes.
 */
async function loadSpecs(argv: readonly string[]): Promise<Spec[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const entry = COMMANDS.find((c) => c.name === first);
  return entry ? [await entry.load()] : Promise.all(COMMANDS.map((c) => c.load()));
}

/** Registers one command (or a group and its commands) on `parser`. */
function register(parser: Argv, spec: Spec, context: CliContext, exit: ExitHolder): Argv {
  if (!isGroup(spec)) {
    return parser.command(
      yargsCommand(spec),
      spec.description,
      (y) => spec.options(y),
      (args) => runCommand(spec, context, args, exit),
    );
  }
  return parser.command(spec.name, spec.description, (group) =>
    spec.commands.reduce((y, command) => register(y, command, context, exit), group).demandCommand(1, `Name a ${spec.name} command: ${listWords(spec.commands.map((c) => c.name))}.`),
  );
}

/** Runs a command's handler with its parsed arguments; its exit code goes to `exit`. */
async function runCommand(spec: CommandSpec, context: CliContext, args: any, exit: ExitHolder): Promise<void> {
  const code = await spec.run(context, args);
  if (typeof code === 'number') exit.code = code;
}

/** Where a command's exit code is kept until the parser returns. */
interface ExitHolder {
  code: number;
}

async function buildParser(context: CliContext, dashes: DashArguments, specs: readonly Spec[], exit: ExitHolder): Promise<Argv> {
  const { default: yargs } = await import('./yargs.js');
  const parser = yargs(dashes.argv)
    .middleware((args) => dashes.restoreArgs(args), true)
    .scriptName('xt')
    .usage('$0 <command> DB [options]\n\nInspect and edit xetrack experiment databases (also those written by Python xetrack).')
    .version(VERSION)
    .locale('en')
    .strict()
    .demandCommand(1, `Name a command: ${COMMANDS.map((c) => c.name).join(', ')}.`)
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      throw error ?? new UsageError(message ?? 'Invalid command line.');
    })
    .epilogue('Tables print as Markdown on stdout (--json: JSON); messages go to stderr.\nExit codes: 0 ok, 1 error, 2 usage error. NO_COLOR turns colour off; XT_DEBUG=1 prints stack traces.')
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns || 100));
  skipHelpCache(parser);
  return specs.reduce((y, spec) => register(y, spec, context, exit), parser);
}

/** The part of yargs' internals `skipHelpCache` touches (not in its public types). */
interface YargsInternals {
  getInternalMethods?(): { getUsageInstance(): { cacheHelpMessage(): void } };
}

/**
 * yargs renders the whole help text each time a command's handler starts, to print it should the
 * command fail afterwards. xt's `fail` throws instead and never prints that text, and rendering it
 * was about a tenth of `xt head`'s start-up, so it is skipped (`--help` renders it as before).
 */
function skipHelpCache(parser: Argv): void {
  const usage = (parser as unknown as YargsInternals).getInternalMethods?.().getUsageInstance();
  if (usage) usage.cacheHelpMessage = () => {};
}
