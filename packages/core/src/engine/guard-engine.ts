import { isXetrackError, messageOf, XetrackError } from '../errors.js';
import { aggregateRows } from './aggregate.js';
import type { Engine, SelectOptions } from './contract.js';
import { checkAggregateOptions, checkSelectOptions, checkWhere } from './where.js';

const REQUIRED = ['tables', 'describe', 'ensureColumns', 'insert', 'select', 'count', 'update', 'delete', 'close'] as const;

/** Throws ENGINE_API_MISMATCH unless `engine` has every method the contract requires. */
export function checkEngine(engine: unknown): Engine {
  const candidate = engine as Partial<Engine> | null;
  const missing = REQUIRED.filter((m) => typeof (candidate as Record<string, unknown> | null)?.[m] !== 'function');
  if (typeof engine !== 'object' || engine === null || missing.length > 0) {
    throw new XetrackError(
      'ENGINE_API_MISMATCH',
      `The object passed as \`engine\` is not a xetrack engine (missing: ${missing.join(', ') || 'everything'}). ` +
        'Pass the result of an engine factory, e.g. `await sqliteEngine.create({ path })`.',
    );
  }
  return candidate as Engine;
}

/**
 * The engine with every failure turned into a XetrackError that names the engine and its location,
 * so callers see one error class whatever the engine threw. Arguments are checked here, once, before
 * the engine sees them (see the contract's header), and `aggregate` is always there: the engine's
 * when it has the capability, else core's (`aggregateRows`).
 */
export function guardEngine(engine: Engine): Engine {
  const wrap = (error: unknown): never => {
    if (isXetrackError(error)) throw error;
    throw new XetrackError('ENGINE_FAILURE', `The ${engine.name} engine failed on ${engine.location}: ${messageOf(error)}`, { cause: error });
  };
  // Engines are async, but a third-party one may throw before returning its promise.
  const call = <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return run().catch(wrap);
    } catch (error) {
      return Promise.reject(error).catch(wrap);
    }
  };
  const guarded: Engine = {
    name: engine.name,
    location: engine.location,
    capabilities: engine.capabilities,
    tables: () => call(() => engine.tables()),
    describe: (t) => call(() => engine.describe(t)),
    ensureColumns: (t, c) => call(() => engine.ensureColumns(t, c)),
    insert: (t, r) => call(() => engine.insert(t, r)),
    select: (t, o) => call(() => (checkSelectOptions(o), engine.select(t, o))),
    count: (t, w) => call(() => (checkWhere(w), engine.count(t, w))),
    aggregate: (t, o) =>
      call(() => {
        checkAggregateOptions(o);
        return engine.aggregate && engine.capabilities.aggregate ? engine.aggregate(t, o) : aggregateRows(guarded, t, o);
      }),
    update: (t, v, w) => call(() => (checkWhere(w), engine.update(t, v, w))),
    delete: (t, w) => call(() => (checkWhere(w), engine.delete(t, w))),
    close: () => call(() => engine.close()),
  };
  if (engine.sql) {
    const sql = engine.sql.bind(engine);
    guarded.sql = (q, p, o) => call(() => sql(q, p, o));
  }
  if (engine.keyValueTable) {
    const keyValueTable = engine.keyValueTable.bind(engine);
    guarded.keyValueTable = (name) => {
      try {
        return keyValueTable(name);
      } catch (error) {
        return wrap(error);
      }
    };
  }
  if (engine.iterate) guarded.iterate = guardStream(engine.iterate.bind(engine), wrap);
  if (engine.iterateArrays) guarded.iterateArrays = guardStream(engine.iterateArrays.bind(engine), wrap);
  return guarded;
}

/** A streaming read of the engine (`iterate`, `iterateArrays`), its options checked and its failures wrapped. */
function guardStream<T>(stream: (table: string, options?: SelectOptions) => AsyncIterable<T>, wrap: (error: unknown) => never) {
  return async function* (table: string, options?: SelectOptions): AsyncIterable<T> {
    try {
      checkSelectOptions(options);
      yield* stream(table, options);
    } catch (error) {
      wrap(error);
    }
  };
}
