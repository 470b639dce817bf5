import path from 'node:path';
import os from 'node:os';

/** The root of the disk the working directory is on (`/` on POSIX, e.g. `C:\\` on Windows). */
export function defaultDiskPath(): string {
  return path.parse(process.cwd()).root || '/';
}

/** This thread's V8 heap in use, in MB (per thread: read it in the thread whose heap you mean). */
export function heapUsedMb(): number {
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** The machine's CPU time since boot, summed over every core, ms: busy (all but idle and iowait) and total. */
export interface MachineCpuTimes {
  busy: number;
  total: number;
}

/** Reads `os.cpus()` counters (on Linux `/proc/stat`, which moves in 10 ms ticks). */
export function machineCpuTimes(): MachineCpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/**
 * The machine's CPU use over windows, 0-100 over all cores (psutil's system-wide `cpu_percent()`, which
 * Python xetrack logs). The counters move in ticks (10 ms on Linux): a window in which none moved is
 * widened back to the last earlier reading that differs, instead of reporting a made-up 0 or 100.
 */
export class MachineCpu {
  private latest = machineCpuTimes();
  private earlier: MachineCpuTimes | undefined;

  /** The counters now (remembered, so a later too-short window can be widened). */
  read(): MachineCpuTimes {
    const now = machineCpuTimes();
    if (now.total > this.latest.total) {
      this.earlier = this.latest;
      this.latest = now;
    }
    return now;
  }

  /** % busy from `start` to now; undefined when the counters never moved since this object was made. */
  percentSince(start: MachineCpuTimes): number | undefined {
    const end = this.read();
    const from = end.total > start.total ? start : this.earlier;
    if (!from || !(end.total > from.total)) return undefined;
    return Math.min(100, Math.max(0, ((end.busy - from.busy) / (end.total - from.total)) * 100));
  }
}
