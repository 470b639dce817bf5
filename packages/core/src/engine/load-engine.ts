import { existsSync } from 'node:fs';
import { isXetrackError, messageOf, XetrackError } from '../errors.js';
import { importOptional } from '../optional-packages.js';
import { ENGINE_API_VERSION, type Engine, type EnginePlugin, type LocationIntent } from './contract.js';
import { checkEngine } from './guard-engine.js';

/** What `engine` options accept: an engine, a plugin, or an engine name (`sqlite`, `duckdb`, `postgres`, a package). */
export type EngineChoice = Engine | EnginePlugin<any> | string;

const PACKAGES: Record<string, string> = {
  sqlite: '@xetrack/engine-sqlite',
  duckdb: '@xetrack/engine-duckdb',
  postgres: '@xetrack/engine-postgres',
};

/** The engine a location implies: `postgres://` URLs → postgres, `.duckdb`/`.ddb` files → duckdb, else sqlite. */
export function engineNameFor(location: string): string {
  if (/^postgres(ql)?:\/\//i.test(location)) return 'postgres';
  if (/\.(duckdb|ddb)$/i.test(location)) return 'duckdb';
  return 'sqlite';
}

/** The package that holds the engine `name` (a known short name, or the name itself). */
export function enginePackageFor(name: string): string {
  return PACKAGES[name] ?? name;
}

function isPlugin(value: unknown): value is EnginePlugin<unknown> {
  const v = value as Partial<EnginePlugin<unknown>> | null;
  return typeof v === 'object' && v !== null && typeof v.create === 'function' && typeof v.apiVersion === 'number';
}

/**
 * Imports an engine package lazily (so only the engines a user installed are ever loaded) and
 * returns its plugin, checked against this core's contract version.
 */
export async function loadEnginePlugin(name: string): Promise<EnginePlugin<any>> {
  const specifier = enginePackageFor(name);
  const mod = await importOptional(specifier, `The ${name} engine`, 'ENGINE_NOT_FOUND');
  const plugin = [mod.default, ...Object.values(mod)].find(isPlugin);
  if (!plugin) {
    throw new XetrackError('ENGINE_NOT_FOUND', `The package ${specifier} exports no xetrack engine plugin (an object with apiVersion and create()). Check the package name.`);
  }
  checkPluginVersion(plugin);
  return plugin;
}

function checkPluginVersion(plugin: EnginePlugin<unknown>): void {
  if (plugin.apiVersion !== ENGINE_API_VERSION) {
    throw new XetrackError(
      'ENGINE_API_MISMATCH',
      `The ${plugin.name} engine implements engine API version ${plugin.apiVersion}, but this @xetrack/core speaks version ${ENGINE_API_VERSION}: install matching versions of @xetrack/core and the engine.`,
    );
  }
}

export interface OpenedEngine {
  engine: Engine;
  /** True when the engine was created here, so its closer must close it. */
  owned: boolean;
}

/**
 * The engine for `location`: an engine instance as given, or one created from a plugin, a name,
 * or (when nothing is given) the name the location implies.
 */
export async function openEngine(location: string, choice: EngineChoice | undefined, intent: LocationIntent & { options?: Record<string, unknown> } = {}): Promise<OpenedEngine> {
  if (typeof choice === 'object' && choice !== null && !isPlugin(choice)) {
    return { engine: checkEngine(choice), owned: false };
  }
  const plugin = isPlugin(choice) ? choice : await loadEnginePlugin(choice ?? engineNameFor(location));
  checkPluginVersion(plugin);
  if (intent.mustExist && !isUrl(location) && location !== ':memory:' && !existsSync(location)) {
    throw new XetrackError('NOT_FOUND', `No database at ${location}: check the path (readers never create a database).`);
  }
  const base = plugin.fromLocation ? plugin.fromLocation(location, { mustExist: intent.mustExist }) : { path: location };
  const options = { ...(base as object), ...intent.options };
  try {
    return { engine: checkEngine(await plugin.create(options)), owned: true };
  } catch (error) {
    if (isXetrackError(error)) throw error;
    throw new XetrackError('ENGINE_FAILURE', `The ${plugin.name} engine could not open ${location}: ${messageOf(error)}`, { cause: error });
  }
}

function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}
