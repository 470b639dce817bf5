import type { CellValue, Engine, Row, Where } from './engine/contract.js';

/** A run's key in the maps below: its track_id as text (one of another type, or NULL, marked apart). */
const runKey = (trackId: CellValue | undefined): string => (typeof trackId === 'string' ? trackId : trackId === null || trackId === undefined ? '\u0000null' : `\u0000${String(trackId)}`);

/**
 * Which runs (track_ids) a target table did not hold when a copy first met them, asked of the
 * target once per run (one grouped count per batch that brings new runs). A row of such a run
 * needs no lookup before it is written: the copy's own earlier rows of the run have other keys,
 * and a row another writer added since makes the write fail with DUPLICATE_KEY, after which
 * `insertNewRows` looks every row of the batch up. Only for targets whose inserts are atomic:
 * elsewhere every row is looked up.
 */
export class AbsentRuns {
  readonly #engine: Engine;
  readonly #table: string;
  /** Per run met so far: whether the target held it then. */
  readonly #held = new Map<string, boolean>();

  constructor(engine: Engine, table: string) {
    this.#engine = engine;
    this.#table = table;
  }

  /** A test for the rows of `batch` whose run the target lacked when first met; undefined when every row must be looked up. */
  async of(batch: readonly Row[]): Promise<((row: Row) => boolean) | undefined> {
    if (this.#engine.capabilities.transactions !== true) return undefined;
    const held = this.#held;
    const unseen = new Map<string, CellValue>();
    for (const row of batch) {
      const key = runKey(row.track_id);
      if (!held.has(key)) unseen.set(key, row.track_id ?? null);
    }
    if (unseen.size > 0) {
      const found = await this.#heldOf([...unseen.values()]);
      for (const key of unseen.keys()) held.set(key, false);
      for (const id of found) held.set(runKey(id), true);
    }
    return (row) => held.get(runKey(row.track_id)) === false;
  }

  /** Those of `ids` the table holds: one grouped count where the engine aggregates, else a count, then one per id if any is held. */
  async #heldOf(ids: CellValue[]): Promise<CellValue[]> {
    const engine = this.#engine;
    const where = (some: CellValue[]): Where[] => {
      const texts = some.filter((id) => id !== null);
      const listed: Where = { column: 'track_id', op: 'in', value: texts };
      return [texts.length < some.length ? { or: [listed, { column: 'track_id', op: 'is null' }] } : listed];
    };
    if (engine.capabilities.aggregate && engine.aggregate) {
      const groups = await engine.aggregate(this.#table, { where: where(ids), groupBy: ['track_id'], measures: [{ fn: 'count', as: 'rows' }] });
      return groups.map((group) => group.track_id ?? null);
    }
    if ((await engine.count(this.#table, where(ids))) === 0) return [];
    const found: CellValue[] = [];
    for (const id of ids) if ((await engine.count(this.#table, where([id]))) > 0) found.push(id);
    return found;
  }
}
