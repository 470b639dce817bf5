import type { Options, PositionalOptions } from 'yargs';
import { yargsCommand, type CommandSpec } from './commands/spec.js';

/**
 * The arguments of a command line simple enough to need no parser: `xt head track.db --n 5`.
 * Loading and running yargs was about 30% of what `xt head` cost beyond a bare `node`, so
 * `runCli` reads such a line here and gives every other line to yargs. `undefined` means "ask yargs", and is the answer
 * to anything this reader is not sure yargs would read the same way: a help or version flag, a
 * flag the command does not declare, a repeated flag, a value starting with `-` or empty, a
 * missing value, a wrong number of positionals, `--`, short flags, `--no-x`, `--bool=value`. So
 * every usage error still comes from yargs, worded as before.
 *
 * It reads the command's own declarations (`spec.options`), so defaults and checks (`coerce`) are
 * those yargs would apply: positionals of type string, string options (`default`, `coerce`,
 * `requiresArg`) and boolean flags (`default`); a spec that declares anything else is not simple.
 */
export function simpleArgs(argv: readonly string[], spec: CommandSpec): Record<string, unknown> | undefined {
  const declared = declarations(spec);
  if (declared === undefined || argv[0] !== spec.name) return undefined;
  const args: Record<string, unknown> = { _: [spec.name], $0: 'xt' };
  const positionals: string[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < argv.length; i++) {
    const token = argv[i] as string;
    if (!token.startsWith('-')) {
      positionals.push(token);
      continue;
    }
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(token);
    const name = match?.[1];
    const option = name === undefined ? undefined : declared.options.get(name);
    if (name === undefined || option === undefined || seen.has(name)) return undefined;
    seen.add(name);
    if (option.type === 'boolean') {
      const next = argv[i + 1];
      if (match?.[2] !== undefined || next === 'true' || next === 'false') return undefined; // yargs reads `--json false`
      args[name] = true;
      continue;
    }
    const value = match?.[2] ?? argv[++i];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    args[name] = value;
  }
  if (positionals.length !== declared.positionals.length) return undefined;
  declared.positionals.forEach((name, i) => {
    args[name] = positionals[i];
  });
  for (const [name, option] of declared.options) {
    if (!(name in args) && option.default !== undefined) args[name] = option.default;
    if (name in args && option.coerce) args[name] = option.coerce(args[name]);
    if (name.includes('-') && name in args) args[name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = args[name];
  }
  return args;
}

/** What a command declares: its positionals in order and its flags; `undefined` when not simple. */
interface Declarations {
  positionals: string[];
  options: Map<string, Options>;
}

const POSITIONAL_KEYS = new Set(['type', 'describe', 'demandOption']);
const STRING_KEYS = new Set(['type', 'describe', 'default', 'coerce', 'requiresArg']);
const BOOLEAN_KEYS = new Set(['type', 'describe', 'default']);

function declarations(spec: CommandSpec): Declarations | undefined {
  const words = yargsCommand(spec).split(/\s+/).slice(1);
  const positionals = words.map((word) => /^<(\w+)>$/.exec(word)?.[1]);
  if (positionals.some((name) => name === undefined)) return undefined;
  const options = new Map<string, Options>();
  const typed = new Set<string>();
  let simple = true;
  const recorder: any = new Proxy(
    {
      positional(name: string, option: PositionalOptions) {
        if (option.type !== 'string' || !keysWithin(option, POSITIONAL_KEYS)) simple = false;
        typed.add(name);
        return recorder;
      },
      option(name: string, option: Options) {
        const keys = option.type === 'string' ? STRING_KEYS : option.type === 'boolean' ? BOOLEAN_KEYS : undefined;
        if (keys === undefined || !keysWithin(option, keys) || options.has(name)) simple = false;
        options.set(name, option);
        return recorder;
      },
    },
    {
      // Any other call of the parser's API (checks, conflicts, aliases…) is yargs' alone to apply.
      get: (target, key) => (key in target ? target[key as keyof typeof target] : () => ((simple = false), recorder)),
    },
  );
  spec.options(recorder);
  const names = positionals as string[];
  if (!simple || names.some((name) => !typed.has(name) || options.has(name))) return undefined;
  return { positionals: names, options };
}

function keysWithin(option: object, allowed: ReadonlySet<string>): boolean {
  return Object.keys(option).every((key) => allowed.has(key));
}
