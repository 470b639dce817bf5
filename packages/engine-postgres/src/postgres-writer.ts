import { isConnectionError } from './postgres-errors.js';
import { checkOut, type PostgresPool, type PostgresPoolClient, type PostgresQueryConfig, type PostgresQueryResult } from './postgres-pool.js';

/**
 * The connection inserts run on: checked out of the pool for a run of writes that follow each
 * other and returned as soon as the event loop finds no write in flight (the next turn), so it is
 * out of the pool no longer than a write keeps it busy, give or take one turn. `pool.query()`
 * checks a connection out and back in for every statement (two timers, listeners, a queue pulse),
 * which cost a third of the client's CPU time per `await log()`; holding one across consecutive
 * writes pays that once per run of writes.
 *
 * A write that arrives while the held connection is busy (another tracker on the same engine) goes
 * through the pool, in parallel, as before. A held connection that fails (a connection error on a
 * statement, or `error` emitted while it waits) is released as broken, so the pool opens a new one
 * for the next write; a statement that failed on a lost connection is never retried here (whether
 * it committed is unknown), the caller reports it.
 */
export class WriteConnection {
  readonly #pool: PostgresPool;
  #client: PostgresPoolClient | undefined;
  #busy = false;
  /** The held connection emitted `error` while a statement was in flight on it. */
  #broken = false;
  #checkScheduled = false;
  #closed = false;

  constructor(pool: PostgresPool) {
    this.#pool = pool;
  }

  /** Runs one statement: on the held connection when it is free, else through the pool. */
  query(config: PostgresQueryConfig): Promise<PostgresQueryResult> {
    if (this.#busy || this.#closed) return this.#pool.query(config);
    return this.#run(config);
  }

  /** Returns the held connection to the pool (at once, or when the statement in flight ends); later statements use the pool. */
  close(): void {
    this.#closed = true;
    if (!this.#busy) this.#release();
  }

  async #run(config: PostgresQueryConfig): Promise<PostgresQueryResult> {
    this.#busy = true;
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
      if (this.#closed) this.#release();
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

  /** One check per event-loop turn: an `await log()` loop starts its next write before the check runs, so the connection stays. */
  #scheduleCheck(): void {
    if (this.#checkScheduled || this.#client === undefined) return;
    this.#checkScheduled = true;
    setImmediate(this.#check);
  }

  readonly #check = (): void => {
    this.#checkScheduled = false;
    if (!this.#busy) this.#release();
  };
}
