/**
 * One SQLite file for a fuzz property: the library writes through an injected, traced better-sqlite3
 * handle (so every SQL text is checked), and the test reads through its own read-only connection.
 */
import path from 'node:path';
import type Database from 'better-sqlite3';
import { Tracker, type Engine } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { foreignStatements, skeleton } from './sql-trace.js';
import { openRaw, schemaOf, tableInfo, tempDir } from './support.js';
import { tracedDatabase, type TracedDatabase } from './sql-trace.js';

export class FuzzFile {
  readonly file: string;
  readonly traced: TracedDatabase;
  readonly engine: Engine;
  /** The test's own connection (read-only, not traced). */
  readonly check: Database.Database;
  /** How many statements the library ran, and their distinct shapes, for the figures. */
  statements = 0;
  readonly shapes = new Set<string>();

  private constructor(file: string, traced: TracedDatabase, engine: Engine) {
    this.file = file;
    this.traced = traced;
    this.engine = engine;
    this.check = openRaw(file, { readonly: true });
  }

  static async create(name: string): Promise<FuzzFile> {
    const file = path.join(tempDir(), name);
    const traced = tracedDatabase(file);
    const engine = await sqliteEngine.create({ database: traced.db });
    const fuzz = new FuzzFile(file, traced, engine);
    fuzz.takeForeign(); // the engine's own pragmas at open are checked too
    return fuzz;
  }

  /** A tracker on this file's engine (not owned: closing it leaves the engine open). */
  tracker(table: string, trackId = 'fuzz'): Promise<Tracker> {
    return Tracker.open(this.file, { engine: this.engine, table, trackId, warnings: false });
  }

  /** Statements run since the last call whose shape is not one the library means to run. */
  takeForeign(): { sql: string; skeleton: string }[] {
    const taken = this.traced.take();
    this.statements += taken.length;
    for (const sql of taken) this.shapes.add(skeleton(sql));
    return foreignStatements(taken);
  }

  columns(table: string): { name: string; type: string; pk: number }[] {
    return tableInfo(this.check, table).map(({ name, type, pk }) => ({ name, type, pk }));
  }

  schema(): { type: string; name: string; sql: string | null }[] {
    return schemaOf(this.check);
  }

  count(table: string): number {
    return (this.check.prepare(`SELECT count(*) AS n FROM "${table.split('"').join('""')}"`).get() as { n: number }).n;
  }

  async close(): Promise<void> {
    await this.engine.close();
    this.check.close();
    this.traced.raw.close();
  }
}
