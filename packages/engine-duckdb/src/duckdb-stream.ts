/**
 * Streaming a query on a connection of its own, chunk by chunk, so the engine's main connection
 * stays free for other calls between chunks. The engine's close() waits for each stream's step in
 * flight before closing the connection under it.
 */
import type { DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBResult } from '@duckdb/node-api';
import type { Row, XetrackError } from '@xetrack/core/engine';
import { readChunk } from './duckdb-rows.js';
import { cellReaderFor } from './duckdb-types.js';
import { bindAll, type Param } from './duckdb-values.js';

interface OpenStream {
  connection: DuckDBConnection;
  /** The step in flight (prepare, stream, fetch), for closeAll() to wait on. */
  pending: Promise<unknown> | undefined;
  closed: boolean;
}

/** How a stream reports failure: `stopped` throws once the engine is closing; `fail` is the error to throw for one DuckDB raised. */
export interface StreamHooks {
  stopped(): void;
  fail(error: unknown): XetrackError;
}

/** The engine's open streams. */
export class Streams {
  readonly #open = new Set<OpenStream>();

  /** The rows of `sql` (about 2,048 per chunk) on a new connection to `instance`; a snapshot as of the first pull. */
  async *rows(instance: DuckDBInstance, sql: string, params: readonly Param[], hooks: StreamHooks): AsyncGenerator<Row> {
    let connection: DuckDBConnection;
    try {
      connection = await instance.connect();
    } catch (error) {
      throw hooks.fail(error);
    }
    const stream: OpenStream = { connection, pending: undefined, closed: false };
    this.#open.add(stream);
    try {
      yield* streamRows(stream, sql, params, hooks);
    } finally {
      stream.pending = undefined;
      this.#open.delete(stream);
      closeStream(stream);
    }
  }

  /** Waits for each stream's step in flight, then closes its connection; the streams' next pull fails (see `hooks.stopped`). */
  async closeAll(): Promise<void> {
    for (const stream of this.#open) {
      await stream.pending?.catch(() => undefined);
      closeStream(stream);
    }
    this.#open.clear();
  }
}

async function* streamRows(stream: OpenStream, sql: string, params: readonly Param[], hooks: StreamHooks): AsyncGenerator<Row> {
  const step = <T>(promise: Promise<T>): Promise<T> => {
    stream.pending = promise;
    return promise;
  };
  let result: DuckDBResult;
  try {
    const statement = await step(stream.connection.prepare(sql));
    bindAll(statement, params);
    result = await step(statement.stream());
  } catch (error) {
    throw hooks.fail(error);
  }
  const names = result.deduplicatedColumnNames();
  const readers = result.columnTypes().map(cellReaderFor);
  for (;;) {
    hooks.stopped();
    let chunk: DuckDBDataChunk | null;
    try {
      chunk = await step(result.fetchChunk());
    } catch (error) {
      throw hooks.fail(error);
    }
    if (!chunk || chunk.rowCount === 0) return;
    const rows: Row[] = [];
    readChunk(chunk, names, readers, rows);
    yield* rows;
  }
}

/** Closes the stream's connection once; it may already be gone with its instance. */
function closeStream(stream: OpenStream): void {
  if (stream.closed) return;
  stream.closed = true;
  try {
    stream.connection.closeSync();
  } catch {
    // already gone with its instance
  }
}
