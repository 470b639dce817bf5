import type { Argv, Options } from 'yargs';
import { UsageError } from '../usage-error.js';

/** Flags and positionals several commands share, so each reads and checks them the same way. */

/** A flag value that must be a whole number in [min, max]. */
export function wholeNumber(flag: string, min: number, max: number): (value: unknown) => number | undefined {
  return (value) => {
    if (value === undefined) return undefined;
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}.`);
    }
    return n;
  };
}

export const ENGINE: Options = {
  type: 'string',
  requiresArg: true,
  describe: 'Engine: sqlite (default; duckdb for .duckdb files), duckdb, postgres, or an installed package exporting an engine plugin',
};
export const TABLE: Options = { type: 'string', requiresArg: true, default: 'default', describe: 'Table to read' };
export const JSON_FLAG: Options = { type: 'boolean', default: false, describe: 'Print rows as a JSON array instead of a Markdown table' };
export const TRACK_ID: Options = { type: 'string', requiresArg: true, describe: 'Only the rows of this run' };

/** The `<db>` positional. */
export function db(y: Argv): Argv {
  return y.positional('db', { type: 'string', describe: 'Database file (or URL)', demandOption: true });
}

/** `<db>`, `--engine`, `--table` and (unless `json` is false) `--json`. */
export function tableOptions(y: Argv, json = true): Argv {
  const withDb = db(y).option('engine', ENGINE).option('table', TABLE);
  return json ? withDb.option('json', JSON_FLAG) : withDb;
}

/** `head`/`tail`'s `--n`. */
export function rowCount(y: Argv): Argv {
  return y.option('n', { type: 'string', requiresArg: true, default: '5', coerce: wholeNumber('n', 0, 1e9), describe: 'How many rows' });
}
