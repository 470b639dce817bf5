import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import si from 'systeminformation';
import type { Fields } from './averager.js';

/**
 * What the sampler worker reads (only the worker loads systeminformation). Each reader returns the fields it could read and leaves out the rest: a failing source (no
 * `/proc`, a container without a GPU, a disk that went away) never throws to the caller.
 */

/**
 * `ram_percent`: memory in use machine-wide, (total − available) / total, as psutil's
 * `virtual_memory().percent`; `p_memory_percent`: this process's resident set as a share of total
 * memory, as psutil's `Process().memory_percent()`. RSS is process-wide, so a worker reads it too.
 */
export async function readMemory(): Promise<Fields> {
  const out: Fields = {};
  let total = os.totalmem();
  try {
    const mem = await si.mem();
    if (mem.total > 0) {
      total = mem.total;
      out.ram_percent = ((mem.total - mem.available) / mem.total) * 100;
    }
  } catch {
    // left out
  }
  try {
    if (total > 0) out.p_memory_percent = (process.memoryUsage.rss() / total) * 100;
  } catch {
    // left out
  }
  return out;
}

/**
 * `disk_percent` of the file system holding `diskPath`: used / (used + available to users), the
 * formula of psutil's `disk_usage().percent` and of `df` (what systeminformation's `fsSize()` reports
 * as `use`), read with one `statfs` call instead of running `df` on every sample.
 */
export function readDisk(diskPath: string): Fields {
  try {
    const s = statfsSync(diskPath);
    const used = (s.blocks - s.bfree) * s.bsize;
    const usable = used + s.bavail * s.bsize;
    return usable > 0 ? { disk_percent: (used / usable) * 100 } : {};
  } catch {
    return {};
  }
}

/** Bytes sent and received since boot, summed over every interface (loopback included, as psutil counts). */
export interface NetworkTotals {
  sent: number;
  recv: number;
}

/** Parses `/proc/net/dev`: per interface, receive bytes are the first number, transmit bytes the ninth. */
export function parseProcNetDev(text: string): NetworkTotals | undefined {
  let sent = 0;
  let recv = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const numbers = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (numbers.length < 9 || !Number.isFinite(numbers[0]) || !Number.isFinite(numbers[8])) continue;
    recv += numbers[0]!;
    sent += numbers[8]!;
    found = true;
  }
  return found ? { sent, recv } : undefined;
}

/**
 * Machine-wide network byte counters. On Linux `/proc/net/dev` is read directly: exact at any
 * moment, where systeminformation's `networkStats()` runs a shell per interface and returns cached
 * counters for 500 ms (so a shorter call would show 0). Elsewhere, systeminformation's totals.
 */
export async function readNetworkTotals(): Promise<NetworkTotals | undefined> {
  if (process.platform === 'linux') {
    try {
      const totals = parseProcNetDev(readFileSync('/proc/net/dev', 'utf8'));
      if (totals) return totals;
    } catch {
      // fall through to systeminformation
    }
  }
  try {
    const stats = await si.networkStats('*');
    if (!Array.isArray(stats) || stats.length === 0) return undefined;
    let sent = 0;
    let recv = 0;
    for (const s of stats) {
      if (Number.isFinite(s.tx_bytes)) sent += s.tx_bytes;
      if (Number.isFinite(s.rx_bytes)) recv += s.rx_bytes;
    }
    return { sent, recv };
  } catch {
    return undefined;
  }
}

/** `bytes_sent` / `bytes_recv` between two readings; left out when a counter went backwards (reset, interface gone). */
export function networkDelta(before: NetworkTotals | undefined, after: NetworkTotals | undefined): Fields {
  if (!before || !after) return {};
  const sent = after.sent - before.sent;
  const recv = after.recv - before.recv;
  return sent >= 0 && recv >= 0 ? { bytes_sent: sent, bytes_recv: recv } : {};
}

/** The part of systeminformation's graphics controller this package reads. */
export interface GpuController {
  utilizationGpu?: number | null;
  memoryUsed?: number | null;
}

/**
 * `gpu_percent`: mean utilisation over the GPUs that report it; `gpu_memory_mb`: memory used, summed
 * over the GPUs that report it (systeminformation gives MB). Nothing when no GPU reports either.
 */
export function gpuFields(controllers: readonly GpuController[] | undefined): Fields {
  const out: Fields = {};
  const utilisation = (controllers ?? []).map((c) => c.utilizationGpu).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const memory = (controllers ?? []).map((c) => c.memoryUsed).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (utilisation.length) out.gpu_percent = utilisation.reduce((a, b) => a + b, 0) / utilisation.length;
  if (memory.length) out.gpu_memory_mb = memory.reduce((a, b) => a + b, 0);
  return out;
}

/** GPU fields from systeminformation's `graphics()` (on NVIDIA via nvidia-smi); `{}` without a GPU. */
export async function readGpu(): Promise<Fields> {
  try {
    return gpuFields((await si.graphics()).controllers);
  } catch {
    return {};
  }
}
