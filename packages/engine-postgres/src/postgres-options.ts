import { userInfo } from 'node:os';
import { XetrackError } from '@xetrack/core/engine';
import type { PostgresPool } from './postgres-pool.js';

/** Options of the PostgreSQL engine. */
export interface PostgresEngineOptions {
  /**
   * Connection URL: `postgres://user:password@host:5432/database?schema=name` (`postgresql://` too).
   * Its `schema` parameter picks the schema; every other parameter (e.g. `sslmode`) goes to `pg`.
   * Optional when `pool` is given.
   */
  url?: string;
  /**
   * An open `pg.Pool` (or anything with the same shape) to use instead of opening `url`. The engine
   * does not end it: its owner does, and should listen to its `error` event.
   */
  pool?: PostgresPool;
  /** The schema that holds the tables. Default: the URL's `schema` parameter, else `public`. */
  schema?: string;
  /** Never create anything: a missing database or schema is NOT_FOUND (what readers use). */
  mustExist?: boolean;
  /** Connections in the engine's own pool. Default 10. */
  max?: number;
  /** How long opening a connection (or waiting for a free one) may take before it fails. Default 10000. */
  connectionTimeoutMs?: number;
  /** Passed to `pg` as `ssl`, e.g. `{ rejectUnauthorized: false }` (the URL's `sslmode` works too). */
  ssl?: boolean | Record<string, unknown>;
  /** The name the server shows in `pg_stat_activity`. Default `xetrack`. */
  applicationName?: string;
  /**
   * How long adding or widening columns waits for other sessions' locks on the table (an open
   * transaction that read it) before failing with LOCKED. Default 30000. It waits in slices of at
   * most 2 s, so other writers of the table are never held up longer than that.
   */
  lockTimeoutMs?: number;
  /**
   * Send the hot statements (INSERT, schema reads) as named prepared statements, parsed and planned
   * once per connection. Default true; set false behind a pooler that cannot keep them (PgBouncer
   * in transaction mode before 1.21).
   */
  prepareStatements?: boolean;
}

/** Options after defaults, frozen. */
export interface ResolvedPostgresOptions {
  readonly pool: PostgresPool | undefined;
  readonly schema: string;
  readonly mustExist: boolean;
  readonly max: number;
  readonly connectionTimeoutMs: number;
  readonly ssl: boolean | Record<string, unknown> | undefined;
  readonly applicationName: string;
  readonly prepareStatements: boolean;
  readonly lockTimeoutMs: number;
  /** Where the data lives, for messages: the URL without its password. */
  readonly location: string;
  /** `host:port` of the server, for messages. */
  readonly server: string;
  /** The database name, for messages. */
  readonly database: string;
  /** The user name, for messages. */
  readonly user: string;
}

const SCHEMES = /^postgres(ql)?:\/\//i;

function invalid(message: string): XetrackError {
  return new XetrackError('INVALID_ARGUMENT', `postgres: ${message}`);
}

/** True when `location` is a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(location: string): boolean {
  return SCHEMES.test(location);
}

interface ParsedUrl {
  connectionString: string;
  schema: string | undefined;
  host: string;
  port: string;
  database: string;
  user: string;
  display: string;
}

function defaultUser(): string {
  try {
    return process.env.PGUSER ?? userInfo().username;
  } catch {
    return 'postgres';
  }
}

/** Splits a connection URL into what `pg` gets and what messages show (never the password). */
export function parseUrl(url: string): ParsedUrl {
  if (!isPostgresUrl(url)) {
    throw invalid(`${JSON.stringify(url.replace(/:[^:@/]*@/, ':***@'))} is not a PostgreSQL URL. Use postgres://user:password@host:5432/database.`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new XetrackError(
      'INVALID_ARGUMENT',
      `postgres: the URL cannot be parsed (${(error as Error).message}). Use postgres://user:password@host:5432/database, with special characters in the password percent-encoded.`,
      { cause: error },
    );
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const host = decode(parsed.hostname) || parsed.searchParams.get('host') || process.env.PGHOST || 'localhost';
  const port = parsed.port || process.env.PGPORT || '5432';
  const user = decode(parsed.username) || process.env.PGUSER || defaultUser();
  const database = decode(parsed.pathname.replace(/^\//, '')) || process.env.PGDATABASE || user;
  const shown = new URL(parsed.toString());
  shown.password = '';
  if (schema !== undefined) shown.searchParams.set('schema', schema);
  return {
    connectionString: parsed.toString(),
    schema,
    host,
    port,
    database,
    user,
    display: shown.toString(),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * Checks `options`, fills in defaults and freezes the result, so an engine never sees them change.
 * The URL handed to `pg` (with its password, without `schema`) comes apart, so the engine's public
 * `options` never show the password; it is undefined with an injected pool.
 */
export function resolveOptions(options: PostgresEngineOptions | undefined): { resolved: ResolvedPostgresOptions; connectionString: string | undefined } {
  if (options === null || typeof options !== 'object') {
    throw invalid('options are required: pass { url: "postgres://user@host:5432/database" } (or { pool }).');
  }
  const { url, pool } = options;
  if (pool !== undefined && (pool === null || typeof pool.query !== 'function' || typeof pool.connect !== 'function')) {
    throw invalid('options.pool must be a pg.Pool (an object with query() and connect()).');
  }
  if (pool === undefined && (typeof url !== 'string' || url.length === 0)) {
    throw invalid('options.url must be a postgres:// URL (or pass an open pg.Pool as options.pool).');
  }
  if (url !== undefined && typeof url !== 'string') throw invalid('options.url must be a string.');
  // With an injected pool, its own connection string (if it has one and no url is given) names the server in messages.
  const poolUrl = pool?.options?.connectionString;
  const shownUrl = url ?? (typeof poolUrl === 'string' && isPostgresUrl(poolUrl) ? poolUrl : undefined);
  const parsed = shownUrl === undefined ? undefined : parseUrl(shownUrl);
  const schema = options.schema ?? parsed?.schema ?? 'public';
  if (typeof schema !== 'string' || schema.length === 0 || schema.includes('\0')) {
    throw invalid(`options.schema must be a non-empty name without NUL characters, not ${JSON.stringify(schema)}.`);
  }
  if (Buffer.byteLength(schema, 'utf8') > 63) {
    throw invalid(`the schema name ${JSON.stringify(schema)} is longer than PostgreSQL's 63 bytes. Use a shorter name.`);
  }
  const max = options.max ?? 10;
  if (!Number.isSafeInteger(max) || max < 1) throw invalid(`options.max must be a whole number >= 1, not ${String(max)}.`);
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 10_000;
  if (!Number.isSafeInteger(connectionTimeoutMs) || connectionTimeoutMs < 0 || connectionTimeoutMs > 2 ** 31 - 1) {
    throw invalid(`options.connectionTimeoutMs must be a whole number of milliseconds >= 0, not ${String(connectionTimeoutMs)}.`);
  }
  const lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  if (!Number.isSafeInteger(lockTimeoutMs) || lockTimeoutMs < 0 || lockTimeoutMs > 2 ** 31 - 1) {
    throw invalid(`options.lockTimeoutMs must be a whole number of milliseconds >= 0, not ${String(lockTimeoutMs)}.`);
  }
  const applicationName = options.applicationName ?? 'xetrack';
  if (typeof applicationName !== 'string') throw invalid('options.applicationName must be a string.');

  let server: string;
  let database: string;
  let user: string;
  let location: string;
  if (pool !== undefined && parsed === undefined) {
    const settings = pool.options ?? {};
    const host = text(settings.host) ?? 'localhost';
    const port = text(settings.port) ?? '5432';
    server = `${host}:${port}`;
    database = text(settings.database) ?? "the pool's database";
    user = text(settings.user) ?? "the pool's user";
    location = `postgres://${text(settings.user) ? `${encodeURIComponent(user)}@` : ''}${server}/${text(settings.database) ? encodeURIComponent(database) : ''}${schema === 'public' ? '' : `?schema=${encodeURIComponent(schema)}`}`;
  } else {
    const p = parsed as ParsedUrl;
    server = `${p.host}:${p.port}`;
    database = p.database;
    user = p.user;
    const shown = new URL(p.display);
    if (schema === 'public') shown.searchParams.delete('schema');
    else shown.searchParams.set('schema', schema);
    location = shown.toString();
  }
  const resolved: ResolvedPostgresOptions = Object.freeze({
    pool,
    schema,
    mustExist: options.mustExist === true,
    max,
    connectionTimeoutMs,
    ssl: options.ssl,
    applicationName,
    prepareStatements: options.prepareStatements !== false,
    lockTimeoutMs,
    location,
    server,
    database,
    user,
  });
  return { resolved, connectionString: pool === undefined ? parsed?.connectionString : undefined };
}
