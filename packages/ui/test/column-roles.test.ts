import { SYSTEM_MONITOR_COLUMNS } from '@xetrack/sysmon/columns';
import { describe, expect, it } from 'vitest';
import { roleByName } from '../src/node/column-roles.js';

describe('roleByName', () => {
  it("classes every column @xetrack/sysmon writes, and Python's memory_percent, as a system reading", () => {
    expect(SYSTEM_MONITOR_COLUMNS).toContain('gpu_memory_mb');
    for (const name of [...SYSTEM_MONITOR_COLUMNS, 'memory_percent', 'CPU_PERCENT']) expect(roleByName(name), name).toBe('system');
    expect(roleByName('accuracy')).toBeUndefined();
    expect(roleByName('track_id')).toBe('key');
    expect(roleByName('function_time')).toBe('call');
  });
});
