import type { Engine } from '../engine/contract.js';
import { FRAGMENT_NAME } from './spool-lines.js';

/** How far each fragment has been ingested into one target: bytes of complete lines, and whether its writer closed it. */
export interface FragmentState {
  bytes: number;
  done: boolean;
}

const TABLE = '"xetrack_spool"';

/**
 * The ingest offsets, kept in the target itself (a table `xetrack_spool`, not a tracking table), so
 * they describe exactly that database: a new target starts from 0. Written only after the rows up
 * to the offset are committed; an ingest that dies in between re-reads those rows, and the
 * (track_id, timestamp) check skips them. Needs raw SQL: without it (`undefined`), every ingest
 * reads every fragment whole, with the same result.
 */
export async function readIngestState(engine: Engine): Promise<Map<string, FragmentState> | undefined> {
  if (!engine.sql) return undefined;
  await engine.sql(`CREATE TABLE IF NOT EXISTS ${TABLE} ("fragment" TEXT PRIMARY KEY, "bytes" BIGINT NOT NULL, "done" INTEGER NOT NULL)`);
  const rows = await engine.sql(`SELECT "fragment", "bytes", "done" FROM ${TABLE}`);
  return new Map(rows.map((r) => [String(r.fragment), { bytes: Number(r.bytes), done: Number(r.done) === 1 }]));
}

/** Records a fragment's offset; never moves one back (two ingests may run at once). */
export async function writeIngestState(engine: Engine, fragment: string, state: FragmentState): Promise<void> {
  if (!engine.sql) return;
  // Values are inlined (placeholders differ between databases): a checked file name and two integers.
  if (!FRAGMENT_NAME.test(fragment) || !Number.isSafeInteger(state.bytes)) throw new Error(`bad spool state ${fragment} ${state.bytes}`);
  const done = state.done ? 1 : 0;
  await engine.sql(
    `INSERT INTO ${TABLE} ("fragment", "bytes", "done") VALUES ('${fragment}', ${state.bytes}, ${done}) ` +
      `ON CONFLICT ("fragment") DO UPDATE SET ` +
      `"bytes" = CASE WHEN excluded."bytes" > ${TABLE}."bytes" THEN excluded."bytes" ELSE ${TABLE}."bytes" END, ` +
      `"done" = CASE WHEN excluded."done" > ${TABLE}."done" THEN excluded."done" ELSE ${TABLE}."done" END`,
  );
}
