import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CellValue } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { jsonValue } from '../format/json-rows.js';
import { UsageError } from '../usage-error.js';
import { ENGINE, JSON_FLAG, db } from './options.js';
import { parseValue } from './parse-value.js';
import { defineCommand } from './spec.js';

export interface ImportArgs {
  db: string;
  file: string;
  engine?: string | undefined;
  table: string;
  param?: string[] | undefined;
  json: boolean;
}

/**
 * `xt import DB FILE`: a vitest bench, tinybench, mitata or hyperfine result file as one run (its id
 * derived from the file's bytes), a summary row per benchmark and a row per sample. The file is
 * read and checked before the database is opened, so a bad file creates and changes nothing; the
 * same file imported twice is written once.
 */
export async function importCommand(context: CliContext, args: ImportArgs): Promise<void> {
  const { importBenchResults, parseBenchResults } = await import('@xetrack/core');
  const params = Object.fromEntries((args.param ?? []).map(parseParam));
  let text: string;
  try {
    text = await readFile(args.file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${args.file}: ${(error as Error).message}`);
  }
  const parsed = parseBenchResults(text, path.basename(args.file));
  const opened = await context.openEngine(args.db, { engine: args.engine, write: true, create: true });
  try {
    const result = await importBenchResults(args.db, parsed, { engine: opened.engine, table: args.table, params });
    if (args.json) context.stdout.write(`${jsonValue(result)}\n`);
    if (result.alreadyImported) context.stderr.write(`${args.file} was imported before as run ${result.trackId}: nothing imported.\n`);
    else context.stderr.write(`Imported ${result.rows} rows (${result.benchmarks} ${result.tool} benchmarks) as run ${result.trackId}.\n`);
  } finally {
    await opened.close();
  }
}

/** `KEY=VALUE`, VALUE read as JSON when it parses (a scalar), as text otherwise. */
function parseParam(text: string): [string, CellValue] {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`--param takes KEY=VALUE (e.g. --param branch=main), not ${JSON.stringify(text)}.`);
  const value = parseValue(text.slice(at + 1));
  const cell = value === null || typeof value === 'number' || typeof value === 'boolean' ? value : typeof value === 'string' ? value : JSON.stringify(value);
  return [text.slice(0, at), cell];
}

export const spec = defineCommand<ImportArgs>({
  name: 'import',
  description: 'Import benchmark results (vitest bench --outputJson, tinybench, mitata JSON, hyperfine --export-json) as a run: a row per benchmark and per sample',
  signature: 'import <db> <file> [--param KEY=VALUE]',
  options: (y) =>
    db(y)
      .positional('file', { type: 'string', describe: 'The result file (the tool is recognised from its content)', demandOption: true })
      .option('engine', ENGINE)
      .option('table', { type: 'string', requiresArg: true, default: 'default', describe: 'Table to write' })
      .option('param', { type: 'string', array: true, requiresArg: true, describe: 'KEY=VALUE added to every row, e.g. branch=main (repeatable)' })
      .option('json', { ...JSON_FLAG, describe: "Print the import's result as JSON" }),
  run: importCommand,
});
