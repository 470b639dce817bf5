import { openSync, readSync, closeSync } from 'node:fs';
import type { Engine, EnginePlugin, Reader } from '@xetrack/core';

/** Where a command writes: `process.stdout`/`process.stderr`, or a collector in tests. */
export interface OutputStream {
  write(text: string): unknown;
}

export interface OpenOptions {
  /** `--engine`: a short name (`sqlite`, `duckdb`, `postgres`) or an installed package; default: what the location implies. */
  engine?: string;
  /** The command changes data; otherwise a SQLite file is opened read-only when that leaves it untouched. */
  write?: boolean;
  /** Create the database when it does not exist (a copy's target); otherwise it must exist. */
  create?: boolean;
}

/** An engine a command uses directly (raw SQL); `close()` releases it. */
export interface OpenedEngine {
  engine: Engine;
  close(): Promise<void>;
}

/**
 * What every command receives: how to open a database, where to print, whether to colour. Commands
 * never construct engines themselves, so their tests can inject a context built on any engine.
 */
export interface CliContext {
  /** A reader of an existing table (`table`, default `default`); never creates a file or a table. */
  openReader(location: string, options: OpenOptions & { table?: string }): Promise<Reader>;
  /** The engine for `location`, for raw SQL, without requiring a tracking table. */
  openEngine(location: string, options: OpenOptions): Promise<OpenedEngine>;
  stdout: OutputStream;
  stderr: OutputStream;
  /** ANSI colour on stdout (a terminal, and NO_COLOR unset). */
  color: boolean;
  /** Draw progress bars on stderr (it is a terminal). */
  progress: boolean;
}

export interface ContextOptions {
  /** The plugin for an engine name (`undefined`: what the location implies); default: load it by name. */
  resolveEngine?: (name: string | undefined, location: string) => Promise<EnginePlugin<any>>;
  stdout?: OutputStream;
  stderr?: OutputStream;
  color?: boolean;
  progress?: boolean;
}

/** The context the `xt` binary runs with; every part can be replaced. */
export function createContext(options: ContextOptions = {}): CliContext {
  const resolveEngine = options.resolveEngine ?? loadEngineByName;
  return {
    async openReader(location, { engine, write = false, table }) {
      const { Reader } = await import('@xetrack/core/reader');
      const plugin = await resolveEngine(engine, location);
      return Reader.open(location, { engine: plugin, table: table ?? 'default', engineOptions: engineOptionsFor(plugin, location, write) });
    },
    async openEngine(location, { engine, write = false, create = false }) {
      const { openEngine } = await import('@xetrack/core/reader');
      const plugin = await resolveEngine(engine, location);
      const options = create ? undefined : engineOptionsFor(plugin, location, write);
      const opened = await openEngine(location, plugin, { mustExist: !create, options });
      return { engine: opened.engine, close: () => opened.engine.close() };
    },
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    color: options.color ?? colorWanted(),
    progress: options.progress ?? process.stderr.isTTY === true,
  };
}

/**
 * `sqlite` comes from our own dependency (always installed, found from here); any other name is
 * loaded through core, which checks the plugin and says how to install a missing one.
 */
async function loadEngineByName(name: string | undefined, location: string): Promise<EnginePlugin<any>> {
  const { engineNameFor, loadEnginePlugin } = await import('@xetrack/core/reader');
  const chosen = name ?? engineNameFor(location);
  if (chosen === 'sqlite' || chosen === '@xetrack/engine-sqlite') return (await import('@xetrack/engine-sqlite')).default;
  return loadEnginePlugin(chosen);
}

/**
 * SQLite only: readers must find an existing file, and a read opens the file read-only unless it
 * is already in WAL mode, so `xt head` never changes a database (switching a Python xetrack file
 * to WAL would) and never leaves -wal/-shm files next to one (a read-only open of a WAL file does).
 */
function engineOptionsFor(plugin: EnginePlugin<any>, location: string, write: boolean): Record<string, unknown> | undefined {
  if (plugin.name !== 'sqlite' || location === ':memory:') return undefined;
  return { fileMustExist: true, readonly: !write && !isWalFile(location) };
}

/** Byte 18 of a SQLite header is 2 for a WAL database; anything unreadable counts as "not WAL". */
function isWalFile(location: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(location, 'r');
    const header = Buffer.alloc(20);
    return readSync(fd, header, 0, 20, 0) === 20 && header.toString('latin1', 0, 16) === 'SQLite format 3\u0000' && header[18] === 2;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** https://no-color.org: NO_COLOR (non-empty) always wins; FORCE_COLOR turns colour on without a terminal. */
export function colorWanted(env: NodeJS.ProcessEnv = process.env, isTty = process.stdout.isTTY === true): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return isTty;
}
