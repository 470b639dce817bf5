/**
 * `@xetrack/core/reader`: reading an existing table and opening engines, without the Tracker,
 * compare, copy, merge or spool code, so a process that only reads (`xt head`) loads and compiles
 * less. The classes are the same ones `@xetrack/core` exports (the build shares its chunks).
 */
export { Reader, type ReaderOptions } from './reader.js';
export { engineNameFor, loadEnginePlugin, openEngine, type EngineChoice, type OpenedEngine } from './engine/load-engine.js';
