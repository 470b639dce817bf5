/**
 * Which columns are params, metrics, system readings or tracked-call fields: where the page shows
 * each one. Names follow what the tracker and @xetrack/sysmon (and Python xetrack) write.
 */
import type { ColumnRole } from '../shared/types.js';

export const KEY_COLUMNS = ['track_id', 'timestamp'];
/** Fields every tracked call writes. */
export const CALL_COLUMNS = ['function_name', 'function_time', 'args', 'error', 'cache', 'kwargs', 'function_result'];
/** Readings @xetrack/sysmon (and Python's system monitor) add to tracked calls. */
export const SYSTEM_COLUMNS = [
  'cpu_percent', 'p_cpu_percent', 'ram_percent', 'memory_percent', 'p_memory_percent', 'disk_percent',
  'bytes_sent', 'bytes_recv', 'event_loop_delay_p99_ms', 'heap_used_mb', 'gpu_percent', 'gpu_memory_mb',
];
/** Names of a step axis, in order of preference. */
export const STEP_COLUMNS = ['step', 'global_step', 'epoch', 'iteration', 'iter', 'batch'];

const NUMERIC = new Set(['integer', 'float', 'boolean']);

export function isNumericType(type: string): boolean {
  return NUMERIC.has(type);
}

/**
 * A column's role: keys and call/system fields by name; otherwise a param when it holds one value
 * per run (`constant`), a metric when numeric and changing within a run, else other.
 */
export function roleOf(name: string, type: string, constant: boolean): ColumnRole {
  const lower = name.toLowerCase();
  if (KEY_COLUMNS.includes(lower)) return 'key';
  if (SYSTEM_COLUMNS.includes(lower)) return 'system';
  if (CALL_COLUMNS.includes(lower)) return 'call';
  if (constant) return 'param';
  return isNumericType(type) ? 'metric' : 'other';
}
