import { XetrackError, type Engine } from '@xetrack/core';
import { describe, expect, it } from 'vitest';
import { guardedSql } from '../src/commands/guarded-sql.js';

/** An engine that runs SQL by answering `rows`, or failing with `error`; read-only SQL as `readOnlySql` says. */
function fakeEngine(readOnlySql: boolean, error?: Error): { engine: Engine; calls: unknown[] } {
  const calls: unknown[] = [];
  const engine = {
    name: 'fake',
    capabilities: { readOnlySql },
    async sql(query: string, params: unknown[], options: unknown) {
      calls.push({ query, params, options });
      if (error) throw error;
      return [{ a: 1 }];
    },
  } as unknown as Engine;
  return { engine, calls };
}

const refuse = (why: string) => new Error(`refused: ${why}`);

describe('guardedSql (xt sql and the MCP sql tool)', () => {
  it('runs read-only unless write, and passes the parameters', async () => {
    const { engine, calls } = fakeEngine(true);
    expect(await guardedSql(engine, 'SELECT ?', [1], { write: false, otherwise: 'x', refuse })).toEqual([{ a: 1 }]);
    await guardedSql(engine, 'DELETE FROM t', [], { write: true, otherwise: 'x', refuse });
    expect(calls).toEqual([
      { query: 'SELECT ?', params: [1], options: { readOnly: true } },
      { query: 'DELETE FROM t', params: [], options: { readOnly: false } },
    ]);
  });

  it("turns the engine's READ_ONLY refusal into the caller's error, only without write", async () => {
    const readOnly = new XetrackError('READ_ONLY', 'attempt to write a readonly database');
    await expect(guardedSql(fakeEngine(true, readOnly).engine, 'DELETE FROM t', [], { write: false, otherwise: 'x', refuse })).rejects.toThrow(
      'refused: The statement changes the database (or would)',
    );
    await expect(guardedSql(fakeEngine(true, readOnly).engine, 'DELETE FROM t', [], { write: true, otherwise: 'x', refuse })).rejects.toBe(readOnly);
  });

  it('refuses every statement without write on an engine that cannot run SQL read-only, and runs nothing', async () => {
    const { engine, calls } = fakeEngine(false);
    await expect(guardedSql(engine, 'SELECT 1', [], { write: false, otherwise: 'x', refuse })).rejects.toThrow(
      'refused: The fake engine cannot run a statement read-only, so whether it writes is unknown',
    );
    expect(calls).toEqual([]);
    expect(await guardedSql(engine, 'SELECT 1', [], { write: true, otherwise: 'x', refuse })).toEqual([{ a: 1 }]);
  });
});
