import sqliteEngine from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/index.js';
import { isGroup, yargsCommand, type CommandSpec } from '../src/commands/spec.js';
import { memoryXt } from './support/memory-context.js';
import { runXt } from './support/run-xt.js';

/** Every command the registry lists, with the words that call it (`stats top`). */
async function everyCommand(): Promise<{ words: string[]; spec: CommandSpec }[]> {
  const found: { words: string[]; spec: CommandSpec }[] = [];
  for (const entry of COMMANDS) {
    const spec = await entry.load();
    expect(spec.name).toBe(entry.name);
    if (isGroup(spec)) for (const command of spec.commands) found.push({ words: [spec.name, command.name], spec: command });
    else found.push({ words: [spec.name], spec });
  }
  return found;
}

describe('the command registry', () => {
  const xt = memoryXt(sqliteEngine);

  it('each registered spec loads under its name, and its signature is the usage message for missing arguments', async () => {
    const commands = await everyCommand();
    expect(commands.length).toBeGreaterThanOrEqual(21);
    for (const { words, spec } of commands) {
      expect(yargsCommand(spec).startsWith(`${spec.name} <`)).toBe(true);
      const run = await xt(words);
      expect(run.code, words.join(' ')).toBe(2);
      expect(run.stderr).toBe(`xt: Missing arguments: xt ${[...words.slice(0, -1), spec.signature].join(' ')}. (see xt ${words.join(' ')} --help)\n`);
    }
  });

  it('--help and "Name a command" list exactly the registry, in its order', async () => {
    const names = COMMANDS.map((c) => c.name);
    const none = await xt([]);
    expect(none.stderr).toBe(`xt: Name a command: ${names.join(', ')}. (see xt --help)\n`);
    const help = runXt(['--help']);
    expect(help.status).toBe(0);
    const listed = [...help.stdout.matchAll(/^ {2}xt (\S+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(names);
  });
});
