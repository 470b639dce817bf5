import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';

/**
 * One `xt` command: everything the parser, `--help` and the usage messages need, next to the
 * handler. A command module exports its spec; `commands/index.ts` lists it with a lazy loader, so
 * `xt head` imports only the module of `head`.
 */
export interface CommandSpec<A = any> {
  /** The word that names it: `head`, or `top` inside the `stats` group. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /**
   * How it is called, after `xt` (and the group's name): positionals as yargs reads them, then any
   * `[--flag value]` worth showing in a usage message: `head <db> [--n 5]`.
   */
  signature: string;
  /** Its positionals' descriptions and its flags (with their checks). */
  options(y: Argv): Argv;
  /**
   * Runs it; `args` is what `options` parsed. Resolves nothing for exit code 0, or the exit code
   * (`xt check` resolves 1 when something regressed).
   */
  run(context: CliContext, args: A): Promise<void | number>;
}

/** Commands under one word (`xt stats describe`, `xt stats top`). */
export interface GroupSpec {
  name: string;
  description: string;
  commands: readonly CommandSpec[];
}

export type Spec = CommandSpec | GroupSpec;

export function isGroup(spec: Spec): spec is GroupSpec {
  return 'commands' in spec;
}

export function defineCommand<A>(spec: CommandSpec<A>): CommandSpec<A> {
  return spec;
}

export function defineGroup(spec: GroupSpec): GroupSpec {
  return spec;
}

/** A registry line: the command's word and how to import its spec (only when it is used). */
export interface CommandEntry {
  name: string;
  load: () => Promise<Spec>;
}

/** The yargs command string: the signature without its `[--flag …]` examples (`head <db>`). */
export function yargsCommand(spec: CommandSpec): string {
  return spec.signature.replace(/\s*\[--[^\]]*\]/g, '').trim();
}

/** "a, b or c" */
export function listWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
