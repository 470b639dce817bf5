import { isXetrackError, runSql, type CellValue, type Engine, type OutsideEffect } from '@xetrack/core';

export interface GuardedSqlOptions {
  /** Allow a statement that changes the database; otherwise the engine runs it read-only. */
  write: boolean;
  /** What to use instead on an engine without raw SQL (`use xt head… instead`). */
  otherwise: string;
  /** The error to throw for a refusal, from why (`The statement changes the database (or would)`). */
  refuse: (why: string) => Error;
}

/**
 * One statement as `xt sql` and the MCP `sql` tool run it. Without `write` the engine runs it
 * read-only and refuses a statement that would write (READ_ONLY); an engine that cannot run SQL
 * read-only cannot tell, so every statement is refused there; one that would act outside the
 * database (PostgreSQL's `COPY ... TO PROGRAM`) is refused with the engine's reason. Each caller words the refusal
 * (`add --write`, or "this server is read-only") through `refuse`.
 */
export async function guardedSql(engine: Engine, query: string, params: CellValue[], options: GuardedSqlOptions): Promise<Awaited<ReturnType<typeof runSql>>> {
  const { write, otherwise, refuse } = options;
  if (engine.sql && !write && !engine.capabilities.readOnlySql) {
    throw refuse(`The ${engine.name} engine cannot run a statement read-only, so whether it writes is unknown`);
  }
  try {
    return await runSql(engine, query, params, { readOnly: !write, otherwise });
  } catch (error) {
    if (!write && isXetrackError(error, 'READ_ONLY')) {
      const outside = (error.cause as Partial<OutsideEffect> | undefined)?.outsideEffect;
      throw refuse(outside === undefined ? 'The statement changes the database (or would)' : `The statement acts outside the database: ${outside}`);
    }
    throw error;
  }
}
