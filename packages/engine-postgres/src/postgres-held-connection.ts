import { isConnectionError } from './postgres-errors.js';
import { checkOut, type PostgresPool, type PostgresPoolClient, type PostgresQueryable, type PostgresQueryConfig, type PostgresQueryResult } from './postgres-pool.js';

/** How often a held connection is checked for use: one left idle from one check to the next goes back to the pool. */
const CHECK_MS = 1;

/**
 * The connection the engine's statements run on: checked out of the pool for a run of statements
 * that follow each other, and returned once it has been idle from one check to the next (a
 * millisecond or two), so it is out of the pool little longer than its statements keep it busy.
 * `pool.query()` checks a connection out and back in for every statement (two timers, listeners,
 * a queue pulse: 25-30 µs of CPU per statement measured here, as much as the rest of our write
 * path); holding one across consecutive statements pays that once per run of them.
 *
 * A statement that arrives while the held connection is busy (another tracker on the same engine)
 * goes through the pool, in parallel, as before; `checkOut()` (a transaction, `sql()`) first hands
 * an idle held connection back, so the pool gives that one instead of opening another. A held
 * connection that fails (a connection error on a statement, or `error` emitted while it waits) is
 * released as broken and the pool opens a new one for the next statement; the failed statement
 * is not retried here (whether a write committed is unknown): the caller decides. When the pool has
 * callers waiting for a connection (`waitingCount`, e.g. a transaction behind a stream of `log()`
 * calls on a pool of one), the held connection goes back at the end of its statement, so nobody
 * waits for a pause in the stream.
 */
export class HeldConnection implements PostgresQueryable {
  readonly #pool: PostgresPool;
  #client: PostgresPoolClient | undefined;
  #busy = false;
  /** The held connection emitted `error` while a statement was in flight on it. */
  #broken = false;
  #closed = false;
  /** Statements started, and their count at the last check: a check that sees no new one releases. */
  #uses = 0;
  #usesChecked = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(pool: PostgresPool) {
    this.#pool = pool;
  }

  /** Runs one statement: on the held connection when it is free, else through the pool. */
  query(config: PostgresQueryConfig): Promise<PostgresQueryResult> {
    if (this.#busy || this.#closed) return this.#pool.query(config);
    return this.#run(config);
  }

  /** A connection of its own for the caller (see `checkOut`), the idle held one handed back to the pool first. */
  checkOut(): Promise<PostgresPoolClient> {
    if (!this.#busy) this.#release();
    return checkOut(this.#pool);
  }

  /** Returns the held connection to the pool (at once, or when the statement in flight ends); later statements use the pool. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#busy) this.#release();
  }

  async #run(config: PostgresQueryConfig): Promise<PostgresQueryResult> {
    this.#busy = true;
    this.#uses++;
    let client = this.#client;
    try {
      if (client === undefined) {
        const held = await checkOut(this.#pool, (error) => this.#lost(held, error));
        client = this.#client = held;
      }
      return await client.query(config);
    } catch (error) {
      if (client !== undefined && isConnectionError(error)) this.#drop(client, error);
      throw error;
    } finally {
      this.#busy = false;
      if (this.#broken && client !== undefined) this.#drop(client, true);
      // someone waits for a connection of the pool (a transaction, `sql()`, a pool of one): hand this one back now
      if (this.#closed || (this.#pool.waitingCount ?? 0) > 0) this.#release();
      else this.#scheduleCheck();
    }
  }

  /** The held connection emitted `error`: released as broken now, or once the statement in flight on it has failed. */
  #lost(client: PostgresPoolClient, error: Error): void {
    if (this.#client !== client) return;
    if (this.#busy) this.#broken = true;
    else this.#drop(client, error);
  }

  #drop(client: PostgresPoolClient, error: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#broken = false;
    client.release(error instanceof Error ? error : true);
  }

  #release(): void {
    const client = this.#client;
    if (client === undefined) return;
    this.#client = undefined;
    client.release();
  }

  /** Arms the check (a timer per millisecond, not per statement): an `await log()` loop runs many statements between two checks. */
  #scheduleCheck(): void {
    if (this.#timer !== undefined || this.#client === undefined) return;
    this.#usesChecked = this.#uses;
    this.#timer = setTimeout(this.#check, CHECK_MS);
  }

  readonly #check = (): void => {
    this.#timer = undefined;
    if (this.#busy) return; // the statement's end arms the next check
    if (this.#uses !== this.#usesChecked) this.#scheduleCheck();
    else this.#release();
  };
}
