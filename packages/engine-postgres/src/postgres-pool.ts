/**
 * The part of `pg`'s API this engine uses, typed structurally so a user can inject their own
 * `pg.Pool` (or anything shaped like it) and our public types never import `pg`.
 */

/** A result column: its name and the OID of its type. */
export interface PostgresField {
  name: string;
  dataTypeID: number;
}

/** How one value of a result column is turned into JS (`pg`'s `types.getTypeParser`). */
export type PostgresTypeParser = (text: string) => unknown;

/** The options of one query the engine sends. */
export interface PostgresQueryConfig {
  text: string;
  values?: unknown[];
  /** A prepared statement name: parsed and planned once per connection. */
  name?: string;
  /** Rows as arrays in field order instead of objects. */
  rowMode?: 'array';
  /** Parsers by type OID, for this query only. */
  types?: { getTypeParser(oid: number, format?: string): PostgresTypeParser };
  /** Always the extended protocol (one statement, never a `;`-separated script). */
  queryMode?: 'extended';
}

/** What a query resolves with. */
export interface PostgresQueryResult {
  rows: unknown[];
  fields: PostgresField[];
  rowCount: number | null;
  /** The command tag's verb: `SELECT`, `INSERT`, `CREATE`... */
  command: string;
}

/** Anything that runs queries: a pool or a checked-out client. */
export interface PostgresQueryable {
  query(config: PostgresQueryConfig): Promise<PostgresQueryResult>;
}

/** A connection checked out of a pool (`pg.PoolClient`). */
export interface PostgresPoolClient extends PostgresQueryable {
  /** Returns the connection; with an error (or `true`) the pool closes it instead of keeping it. */
  release(destroy?: boolean | Error): void;
  /** `I` idle, `T` in a transaction block, `E` in a failed one (pg >= 8.17); read after `sql()`. */
  getTransactionStatus?(): string | null;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Checks a connection out of the pool with an `error` listener for as long as it is out. pg emits
 * `error` on a checked-out connection that dies between two of its queries (a reset after a cut
 * link, a server that ended the session), and with no listener that crashes the process; with
 * one, the next query on it fails, the caller releases it as broken, and the pool opens a new one.
 * `onError` hears of it at once (a holder that is not querying can release it straight away).
 */
export async function checkOut(pool: PostgresPool, onError: (error: Error) => void = () => undefined): Promise<PostgresPoolClient> {
  const client = await pool.connect();
  client.on?.('error', onError);
  const release = client.release.bind(client);
  client.release = (destroy) => {
    client.removeListener?.('error', onError);
    release(destroy);
  };
  return client;
}

/** A connection pool (`pg.Pool`). */
export interface PostgresPool extends PostgresQueryable {
  connect(): Promise<PostgresPoolClient>;
  end(): Promise<void>;
  /** How many callers wait for a connection (`pg.Pool` has it; a pool without it is taken to have none). */
  readonly waitingCount?: number;
  /** `pg.Pool` emits `error` when an idle connection dies (e.g. the server restarts). */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  /** `pg.Pool`'s resolved connection settings, read for messages only. */
  readonly options?: { connectionString?: unknown; host?: unknown; port?: unknown; database?: unknown; user?: unknown };
}

/** The constructor options of `pg.Pool` the engine passes. */
export interface PostgresPoolOptions {
  connectionString: string;
  max: number;
  connectionTimeoutMillis: number;
  idleTimeoutMillis: number;
  application_name: string;
  ssl?: unknown;
}

/** The `pg` module: its `Pool` constructor. */
export interface PostgresDriver {
  Pool: new (options: PostgresPoolOptions) => PostgresPool;
}
