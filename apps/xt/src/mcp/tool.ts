import { XetrackError, type Reader } from '@xetrack/core';
import { z } from 'zod';
import type { CliContext, OpenedEngine } from '../context.js';
import { withReader } from '../commands/table-args.js';
import type { Limits } from './bounds.js';

/** How `xt mcp` was started. */
export interface ServerOptions {
  db: string;
  engine?: string | undefined;
  /** `--write`: tools that change data are allowed. */
  write: boolean;
  limits: Limits;
}

/**
 * What a tool's handler gets: the database the server serves, opened per call (so the server holds
 * no lock between calls, and a DuckDB file stays writable by the process that tracks into it).
 */
export class Session {
  constructor(
    readonly context: CliContext,
    readonly options: ServerOptions,
  ) {}

  get limits(): Limits {
    return this.options.limits;
  }

  /** Runs `use` with a reader of `table` (default `default`), closed after. */
  reader<T>(table: string | undefined, use: (reader: Reader) => Promise<T>, write = false): Promise<T> {
    return withReader(this.context, { db: this.options.db, engine: this.options.engine, table }, write, use);
  }

  /** Runs `use` with the database's engine (no table needed), closed after. */
  async engine<T>(use: (opened: OpenedEngine) => Promise<T>, write = false): Promise<T> {
    const opened = await this.context.openEngine(this.options.db, { engine: this.options.engine, write });
    try {
      return await use(opened);
    } finally {
      await opened.close();
    }
  }
}

/** Why a call was refused on a read-only server, and what the person running it can do. */
export function readOnlyServer(what: string): XetrackError {
  return new XetrackError('READ_ONLY', `${what}, and this server is read-only: nothing changed. To allow it, start the server with \`xt mcp <db> --write\`.`);
}

/** One MCP tool: its name, what it tells an agent, its input schema and its handler. */
export interface ToolSpec<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: S;
  /**
   * Whether it changes the database: `always` (a write tool, refused unless the server runs with
   * `--write`) or `with --write` (only when the server allows it, as `sql`); never when omitted.
   */
  changes?: 'always' | 'with --write';
  /** It may remove data (a hint clients show before calling it). */
  destructive?: boolean;
  /** The result: a JSON object (it becomes the text content and the structured content). */
  run(args: z.infer<z.ZodObject<S>>, session: Session): Promise<Record<string, unknown>>;
}

export function defineTool<S extends z.ZodRawShape>(spec: ToolSpec<S>): ToolSpec<S> {
  return spec;
}

/** Input fields several tools share, described once. */
export const TABLE = z.string().min(1).optional().describe('The table to read (default "default"); the tables tool lists them');
export const LIMIT = z.number().int().min(1).optional().describe('Most items to return (default 20; the server caps it at its --max-rows)');
export const OFFSET = z.number().int().min(0).optional().describe('Skip this many items first: pass the `next` of the previous page (default 0)');
export const WHERE = z
  .record(z.string(), z.unknown())
  .optional()
  .describe(
    'Conditions on the rows, all joined with AND: each key a column, each value either a value (equality; null tests for NULL) or ' +
      'an object of operators eq, ne, lt, lte, gt, gte, in (a list), like (SQL LIKE pattern), isNull (true/false); `and`/`or` take lists of such objects. ' +
      'E.g. {"model": "gpt", "acc": {"gte": 0.9}, "or": [{"split": "dev"}, {"split": "test"}]}',
  );

/** Items per page when the call does not say. */
export const DEFAULT_LIMIT = 20;
