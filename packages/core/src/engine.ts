/** `@xetrack/core/engine`: what an engine author needs, and nothing of the Tracker. */
export * from './engine/contract.js';
export { checkAggregateOptions, checkSelectOptions, checkWhere, composeWhere, referencedColumns, whereColumns } from './engine/where.js';
export { aggregateRows, compareCells, quantile } from './engine/aggregate.js';
export { XetrackError, isXetrackError, type EngineErrorContext, type XetrackErrorCode } from './errors.js';
export { removeOnExit, sweepStale, tempName } from './export/temp-files.js';
export { keysetCondition, keysetPages, type KeysetComparison, type KeysetKey, type KeysetPage } from './engine/keyset.js';
export { holdFile, isFileHeld, fileKey } from './engine/held-files.js';
export { compiledFunction } from './engine/compiled-functions.js';
export { hasKeysInOrder } from './engine/row-keys.js';
export { sqlWords, type SqlWord } from './engine/sql-words.js';
export { arrayBatches } from './engine/array-batches.js';
