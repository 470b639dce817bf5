import type { CliContext } from '../context.js';
import { db, ENGINE, wholeNumber } from './options.js';
import { defineCommand } from './spec.js';

export interface McpArgs {
  db: string;
  engine?: string | undefined;
  write: boolean;
  maxRows: number;
  maxBytes: number;
}

/** Longest text one cell of a result shows before it is cut. */
const MAX_CELL_CHARS = 2000;

/**
 * `xt mcp DB`: a Model Context Protocol server on stdin/stdout for coding agents. The MCP SDK is
 * imported here, when the command runs, so other commands never load it.
 */
export async function mcp(context: CliContext, args: McpArgs): Promise<void> {
  const { serveMcp } = await import('../mcp/server.js');
  await serveMcp(context, {
    db: args.db,
    engine: args.engine,
    write: args.write,
    limits: { maxRows: args.maxRows, maxBytes: args.maxBytes, maxCellChars: Math.min(MAX_CELL_CHARS, Math.floor(args.maxBytes / 8)) },
  });
}

export const spec = defineCommand<McpArgs>({
  name: 'mcp',
  description: 'Serve the database to coding agents over the Model Context Protocol (stdio): tables, runs, rows, SQL, diff, check; read-only unless --write',
  signature: 'mcp <db> [--write]',
  options: (y) =>
    db(y)
      .option('engine', ENGINE)
      .option('write', { type: 'boolean', default: false, describe: 'Allow the tools that change data (set, delete) and SQL statements that write' })
      .option('max-rows', { type: 'string', requiresArg: true, default: '500', coerce: wholeNumber('max-rows', 1, 100_000), describe: 'Most rows one tool result holds' })
      .option('max-bytes', { type: 'string', requiresArg: true, default: '100000', coerce: wholeNumber('max-bytes', 4096, 100_000_000), describe: 'Most bytes of JSON one tool result holds' }),
  run: mcp,
});
