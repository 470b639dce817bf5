/**
 * Arguments yargs would misread, handed to it under stand-in names and given back before its checks
 * run (a middleware), and in its messages:
 * - everything after `--`: yargs leaves those out when it counts a command's positionals, so
 *   `xt set DB note -- -abc` said "Missing arguments";
 * - before `--`, a word that starts with `-` but cannot be an option, such as SQL opening with a
 *   comment (`xt sql DB "-- top runs\nSELECT ..."`): not `-` alone, a negative number, a group of
 *   short flags (`-abc`) or `--name[=value]`.
 */
export interface DashArguments {
  /** The command line to give yargs. */
  argv: string[];
  /** `args` (as yargs parsed them) with every stand-in replaced by its argument. */
  restoreArgs(args: Record<string, unknown>): void;
  /** `text` (a yargs message) with every stand-in replaced by its argument. */
  restoreText(text: string): string;
  /**
   * A group of short flags before `--` holding an `h` (`-1attach`, `-ohello.html`), unless `-h` or
   * `--help` is given alone: yargs reads its `h` as `-h` and prints the help, doing nothing.
   */
  hiddenHelp: string | undefined;
}

const OPTION_LIKE = /^(-|-[A-Za-z]+|--[A-Za-z][\w-]*(=.*)?|-\d*\.?\d+(e[-+]?\d+)?)$/s;

/** A stand-in: it starts with no `-`, and no one types it. */
const standIn = (i: number) => `\u0000xt-argument-${i}\u0000`;
const STAND_IN = /\u0000xt-argument-(\d+)\u0000/g;

export function dashArguments(argv: readonly string[]): DashArguments {
  const kept: string[] = [];
  const shield = (arg: string) => {
    kept.push(arg);
    return standIn(kept.length - 1);
  };
  const end = argv.indexOf('--');
  const head = end === -1 ? argv : argv.slice(0, end);
  const tail = end === -1 ? [] : argv.slice(end + 1);
  const hiddenHelp = head.includes('-h') || head.includes('--help') ? undefined : head.find((arg) => /^-[^-]*h/.test(arg));
  const shielded = [...head.map((arg) => (arg.startsWith('-') && !OPTION_LIKE.test(arg) ? shield(arg) : arg)), ...tail.map((arg) => (arg.startsWith('-') ? shield(arg) : arg))];
  const restore = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const match = /^\u0000xt-argument-(\d+)\u0000$/.exec(value);
    return match === null ? value : kept[Number(match[1])];
  };
  return {
    argv: shielded,
    hiddenHelp,
    restoreArgs(args) {
      if (kept.length === 0) return;
      for (const key of Object.keys(args)) {
        const value = args[key];
        args[key] = Array.isArray(value) ? value.map(restore) : restore(value);
      }
    },
    restoreText: (text) => text.replace(STAND_IN, (_, i: string) => kept[Number(i)] as string),
  };
}
