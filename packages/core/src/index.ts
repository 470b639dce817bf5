/** @xetrack/core: log experiments as rows of a wide SQL table, and read them back. */
export { Tracker, type TrackerOptions, type TrackOptions } from './tracker.js';
export { Reader, type ReaderOptions, type RowQuery, type RunSummary } from './reader.js';
export type { KeyFields, LogData, ReadValue, TrackedRow, UntypedRow } from './rows.js';
export type { JsonValue, Value } from './schema/values.js';
export { columnNameFor, MAX_COLUMN_LENGTH } from './schema/identifiers.js';
export { generateTrackId } from './schema/track-id.js';
export { formatMicros, nextTimestamp, parseTimestamp } from './schema/timestamp.js';
export { engineNameFor, enginePackageFor, loadEnginePlugin, openEngine, type EngineChoice, type OpenedEngine } from './engine/load-engine.js';
export * from './engine/contract.js';
export * from './errors.js';
export type { AssetStore } from './extensions/asset-store.js';
export type { CachedResult, CallIdentity, FunctionCache } from './extensions/function-cache.js';
export type { Monitor, MonitorSession } from './extensions/monitor.js';
export { LOG_DELIMITER, TrackLogger, type LogLevel, type TrackLoggerOptions } from './logging/track-logger.js';
export { parseLogText, readJsonl, readLogs, type LogRow, type ReadLogsOptions } from './logging/read-logs.js';
export { importOptional } from './optional-import.js';
export { copy, type CopyOptions, type CopyProgress, type CopyResult, type TableCopyResult } from './copy.js';
export { exportFormatFor, type ExportFormat } from './export/export-table.js';
