/**
 * Which columns are params, metrics, system readings or tracked-call fields: where the page shows
 * each one. Names follow what the tracker and @xetrack/sysmon (and Python xetrack) write.
 */
import { SYSTEM_MONITOR_COLUMNS } from '@xetrack/sysmon/columns';
import type { ColumnRole } from '../common/types.js';

export const KEY_COLUMNS = ['track_id', 'timestamp'];
/** Fields every tracked call writes. */
export const CALL_COLUMNS = ['function_name', 'function_time', 'args', 'error', 'cache', 'kwargs', 'function_result'];
/**
 * Readings @xetrack/sysmon adds to tracked calls (its list, bundled into this package's build, so
 * the UI does not need sysmon installed), and Python xetrack's `memory_percent`.
 */
export const SYSTEM_COLUMNS = [...SYSTEM_MONITOR_COLUMNS, 'memory_percent'];
/** Names of a step axis, in order of preference. */
export const STEP_COLUMNS = ['step', 'global_step', 'epoch', 'iteration', 'iter', 'batch'];

const NUMERIC = new Set(['integer', 'float', 'boolean']);

export function isNumericType(type: string): boolean {
  return NUMERIC.has(type);
}

/** The role a column has by its name alone: a key, a tracked call's field or a system reading. */
export function roleByName(name: string): Extract<ColumnRole, 'key' | 'call' | 'system'> | undefined {
  const lower = name.toLowerCase();
  if (KEY_COLUMNS.includes(lower)) return 'key';
  if (SYSTEM_COLUMNS.includes(lower)) return 'system';
  if (CALL_COLUMNS.includes(lower)) return 'call';
  return undefined;
}

/** Names that are better lower (`loss`, `error`, `latency_ms`…); every other metric is better higher. */
const LOWER_IS_BETTER = /loss|err|time|latency|_ms$|_s$|mse|mae|rmse|perplexity|cost|memory|bytes|percent/i;

export function goalOf(name: string): 'min' | 'max' {
  return LOWER_IS_BETTER.test(name) ? 'min' : 'max';
}
