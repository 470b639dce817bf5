/**
 * The columns a system monitor writes, in the order a row gets them. Its own entry
 * (`@xetrack/sysmon/columns`), importing nothing, so @xetrack/ui can tell system readings from
 * metrics by name without loading the monitor or systeminformation.
 */
export const SYSTEM_MONITOR_COLUMNS: readonly string[] = [
  'cpu_percent',
  'p_cpu_percent',
  'ram_percent',
  'p_memory_percent',
  'disk_percent',
  'bytes_sent',
  'bytes_recv',
  'event_loop_delay_p99_ms',
  'heap_used_mb',
  'gpu_percent',
  'gpu_memory_mb',
];
