import { existsSync } from 'node:fs';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Monitor, MonitorSession } from '@xetrack/core';
import { Averager, round, type Fields } from './averager.js';
import { SYSTEM_MONITOR_COLUMNS } from './columns.js';
import type { SamplerConfig, SamplerReply, SamplerRequest, SamplerStatus } from './protocol.js';
import { defaultDiskPath, heapUsedMb, MachineCpu } from './main-thread.js';

export interface SystemMonitorOptions {
  /** Milliseconds between samples during a tracked call (default 1000, as Python xetrack; at least 10). */
  interval?: number;
  /** Log `bytes_sent` / `bytes_recv`: machine-wide bytes over the call (or since the previous snapshot). Default false. */
  network?: boolean;
  /** Add a snapshot to every `log()` row too (Python's `log_system_params`). Default false. */
  snapshot?: boolean;
  /** Log `gpu_percent` / `gpu_memory_mb` when systeminformation reports a GPU. Default true. */
  gpu?: boolean;
  /** Log JS runtime health: `event_loop_delay_p99_ms` and `heap_used_mb` of the main thread. Default true. */
  runtime?: boolean;
  /** The path whose file system `disk_percent` describes (default: the root of the working directory's disk, `/` on POSIX). */
  diskPath?: string;
  /** Milliseconds without a call after which the worker thread exits; the next call starts it again. Default 10000; `0` exits after every call. */
  idleTimeout?: number;
}

/** The fields a tracked call (or a snapshot) may get; each is left out when it can't be read. */
export interface SystemFields {
  /** The machine's CPU use over the call, 0-100 over all cores (Python xetrack's `cpu_percent`: psutil's system-wide figure). */
  cpu_percent?: number;
  /** This process's CPU time over the call's wall time, in % of one core (all threads; can exceed 100 on several cores). */
  p_cpu_percent?: number;
  /** Machine memory in use, % (average). */
  ram_percent?: number;
  /** This process's resident memory as % of machine memory (average). */
  p_memory_percent?: number;
  /** Disk in use on `diskPath`'s file system, % (average). */
  disk_percent?: number;
  /** Bytes sent over the call, all interfaces, machine-wide (with `network`). */
  bytes_sent?: number;
  /** Bytes received over the call, all interfaces, machine-wide (with `network`). */
  bytes_recv?: number;
  /** 99th percentile of the main thread's event-loop delay over the call, ms (with `runtime`). */
  event_loop_delay_p99_ms?: number;
  /** The main thread's V8 heap in use, MB (average; with `runtime`). */
  heap_used_mb?: number;
  /** GPU utilisation, %, mean over GPUs (average; where systeminformation reports it). */
  gpu_percent?: number;
  /** GPU memory in use, MB, summed over GPUs (average; where systeminformation reports it). */
  gpu_memory_mb?: number;
}

/** The worker's state, for diagnostics: whether the thread runs, and what it samples. */
export interface SystemMonitorStatus extends SamplerStatus {
  workerRunning: boolean;
}

/** How often the main thread's event loop is checked during a call, ms. */
const LOOP_RESOLUTION_MS = 10;

/**
 * Event-loop delay of the main thread during one call: a 10 ms timer records how late each tick
 * is, and `end()` records the gap since the last tick, so a call that blocks the loop from start
 * to end (synchronous code) is measured too. (`perf_hooks.monitorEventLoopDelay` drops its first
 * tick, so it records nothing for such a call.)
 */
class LoopDelay {
  private readonly histogram: RecordableHistogram = createHistogram();
  private last = process.hrtime.bigint();
  private readonly timer = setInterval(() => this.record(), LOOP_RESOLUTION_MS);

  constructor() {
    this.timer.unref();
  }

  private record(): void {
    const now = process.hrtime.bigint();
    const lateMicros = Number(now - this.last) / 1000 - LOOP_RESOLUTION_MS * 1000;
    this.last = now;
    this.histogram.record(Math.max(1, Math.round(lateMicros))); // the histogram holds integers >= 1
  }

  /** Stops measuring; the 99th percentile of the delays, ms. */
  end(): number {
    clearInterval(this.timer);
    this.record();
    return this.histogram.percentile(99) / 1000;
  }
}

/**
 * The built sampler next to this module (`dist/sampler-worker.js`). When this module runs from
 * source (the package's own tests), the built one in `../dist`.
 */
function samplerUrl(): URL | undefined {
  for (const candidate of ['./sampler-worker.js', '../dist/sampler-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

interface Pending {
  resolve(reply: SamplerReply | undefined): void;
}

/**
 * Samples the system during tracked calls, in a worker thread, so synchronous CPU-bound code is
 * sampled too. Pass it as `Tracker.open(path, { monitor })`. The worker never keeps the process
 * alive; `close()` ends it at once.
 */
export class SystemMonitor implements Monitor {
  readonly options: Readonly<Required<SystemMonitorOptions>>;
  /** Present with `snapshot: true`: the fields for one `log()` row. */
  readonly snapshot?: () => Promise<Record<string, number>>;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private activeCalls = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private warned = false;
  /** Calls whose averages were just returned: the snapshot of their own row must not replace them. */
  private trackedRowsDue = 0;
  private readonly machineCpu = new MachineCpu();
  private lastSnapshot = { cpu: process.cpuUsage(), machine: this.machineCpu.read(), at: process.hrtime.bigint() };

  constructor(options: SystemMonitorOptions = {}) {
    this.options = Object.freeze({
      interval: Math.max(10, options.interval ?? 1000),
      network: options.network ?? false,
      snapshot: options.snapshot ?? false,
      gpu: options.gpu ?? true,
      runtime: options.runtime ?? true,
      diskPath: options.diskPath ?? defaultDiskPath(),
      idleTimeout: Math.max(0, options.idleTimeout ?? 10_000),
    });
    if (this.options.snapshot) this.snapshot = () => this.takeSnapshot();
    this.ensureWorker(); // warm up now, so start-up work is not counted in the first call
    this.scheduleIdleExit();
  }

  /** Resolves once the worker has warmed up (systeminformation loaded, GPU probed, baselines read). */
  async ready(): Promise<void> {
    await this.request('ready');
  }

  /** What the worker is doing (nothing between calls). */
  async status(): Promise<SystemMonitorStatus> {
    if (!this.worker) return { workerRunning: false, activeSessions: 0, sampling: false, samplesTaken: 0, gpu: false };
    const reply = await this.request('status');
    const status = reply?.type === 'status' ? reply.status : { activeSessions: 0, sampling: false, samplesTaken: 0, gpu: false };
    return { workerRunning: this.worker !== undefined, ...status };
  }

  /** Starts sampling one call; `stop()` resolves its fields (averages over the call, deltas for counters). */
  start(): MonitorSession {
    const cpuStart = process.cpuUsage();
    const machineStart = this.machineCpu.read();
    const wallStart = process.hrtime.bigint();
    this.activeCalls++;
    this.cancelIdleExit();
    const worker = this.ensureWorker();
    const id = this.nextId++;
    worker?.postMessage({ type: 'start', id } satisfies SamplerRequest);

    let loop: LoopDelay | undefined;
    let heap: Averager | undefined;
    let heapTimer: ReturnType<typeof setInterval> | undefined;
    if (this.options.runtime) {
      loop = new LoopDelay();
      heap = new Averager();
      heap.add({ heap_used_mb: heapUsedMb() });
      heapTimer = setInterval(() => heap!.add({ heap_used_mb: heapUsedMb() }), this.options.interval);
      heapTimer.unref();
    }

    let stopped: Promise<Record<string, number>> | undefined;
    const stop = async (): Promise<Record<string, number>> => {
      // The call's window ends now: CPU time and wall time are read before anything is awaited.
      const cpu = process.cpuUsage(cpuStart);
      const machine = this.machineCpu.percentSince(machineStart);
      const wallMicros = Number(process.hrtime.bigint() - wallStart) / 1000;
      const loopDelay = loop?.end();
      if (heapTimer) clearInterval(heapTimer);
      heap?.add({ heap_used_mb: heapUsedMb() });
      const fields = cpuFields(machine, cpu, wallMicros);
      if (loopDelay !== undefined) fields.event_loop_delay_p99_ms = round(loopDelay);
      if (heap) Object.assign(fields, heap.average());
      try {
        const reply = worker && worker === this.worker ? await this.request('stop', id) : undefined;
        if (reply?.type === 'stopped') Object.assign(fields, reply.fields);
      } finally {
        this.activeCalls--;
        this.scheduleIdleExit();
      }
      if (this.snapshot) this.trackedRowsDue++;
      return ordered(fields);
    };
    return { stop: () => (stopped ??= stop()) };
  }

  /** One row's fields: instant readings, CPU and network since the previous snapshot. */
  private async takeSnapshot(): Promise<Record<string, number>> {
    // The row of a tracked call already has the call's averages: a snapshot would replace them.
    if (this.trackedRowsDue > 0) {
      this.trackedRowsDue--;
      return {};
    }
    const cpu = process.cpuUsage(this.lastSnapshot.cpu);
    const machine = this.machineCpu.percentSince(this.lastSnapshot.machine);
    const now = process.hrtime.bigint();
    const wallMicros = Number(now - this.lastSnapshot.at) / 1000;
    this.lastSnapshot = { cpu: process.cpuUsage(), machine: this.machineCpu.read(), at: now };
    const fields = cpuFields(machine, cpu, wallMicros);
    this.cancelIdleExit();
    try {
      const reply = await this.request('snapshot');
      if (reply?.type === 'snapshot') Object.assign(fields, reply.fields);
    } finally {
      this.scheduleIdleExit();
    }
    if (this.options.runtime) fields.heap_used_mb = round(heapUsedMb());
    return ordered(fields);
  }

  /** Ends the worker thread. The monitor can still be used: the next call starts a new worker. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelIdleExit();
    await this.terminate();
  }

  private async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.settleAll();
    await worker?.terminate();
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    this.closed = false;
    const url = samplerUrl();
    if (!url) {
      this.warnOnce('the sampler (dist/sampler-worker.js) is missing: only the CPU and runtime fields are logged. Reinstall @xetrack/sysmon.');
      return undefined;
    }
    const config: SamplerConfig = { interval: this.options.interval, network: this.options.network, gpu: this.options.gpu, diskPath: this.options.diskPath };
    let worker: Worker;
    try {
      worker = new Worker(url, { workerData: config, stdout: false, stderr: false });
    } catch (error) {
      this.warnOnce(`the sampler thread could not start (${(error as Error).message}): only the CPU and runtime fields are logged.`);
      return undefined;
    }
    worker.unref(); // never keeps the process alive; ref'd only while a reply is awaited
    worker.on('message', (reply: SamplerReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      pending.resolve(reply);
    });
    const gone = (error?: Error) => {
      if (this.worker !== worker) return;
      if (error) this.warnOnce(`the sampler thread failed (${error.message}): calls get only the CPU and runtime fields until it restarts.`);
      this.worker = undefined;
      this.settleAll();
    };
    worker.on('error', gone);
    worker.on('exit', () => gone());
    this.worker = worker;
    return worker;
  }

  /** Sends a request and resolves its reply, or undefined when there is no worker to answer. */
  private request(type: Exclude<SamplerRequest['type'], 'start'>, id = this.nextId++): Promise<SamplerReply | undefined> {
    const worker = this.ensureWorker();
    if (!worker) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      if (this.pending.size === 0) worker.ref(); // keep the process alive until the answer arrives
      this.pending.set(id, { resolve });
      worker.postMessage({ type, id } satisfies SamplerRequest);
    });
  }

  private settleAll(): void {
    for (const pending of this.pending.values()) pending.resolve(undefined);
    this.pending.clear();
  }

  private cancelIdleExit(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private scheduleIdleExit(): void {
    this.cancelIdleExit();
    if (this.activeCalls > 0 || this.closed || !this.worker) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.activeCalls === 0 && this.pending.size === 0) void this.terminate();
    }, this.options.idleTimeout);
    this.idleTimer.unref();
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    process.stderr.write(`xetrack warning: @xetrack/sysmon: ${message}\n`);
  }
}

/**
 * `cpu_percent`: the machine's CPU use (as Python xetrack), `p_cpu_percent`: this process's CPU time
 * over the wall time (psutil's `Process().cpu_percent()`: can exceed 100 on several cores).
 */
function cpuFields(machine: number | undefined, cpu: NodeJS.CpuUsage, wallMicros: number): Fields {
  const fields: Fields = {};
  if (machine !== undefined) fields.cpu_percent = round(machine);
  if (wallMicros > 0) fields.p_cpu_percent = round(((cpu.user + cpu.system) / wallMicros) * 100);
  return fields;
}

/** Fields in a stable order, so a table's columns come out the same on every machine. */
function ordered(fields: Fields): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of SYSTEM_MONITOR_COLUMNS) if (key in fields) out[key] = fields[key]!;
  for (const key of Object.keys(fields)) if (!(key in out)) out[key] = fields[key]!;
  return out;
}

/**
 * A system monitor for `Tracker.open(path, { monitor: systemMonitor({ interval: 500, network: true }) })`:
 * every tracked call's row gets `cpu_percent` (machine), `p_cpu_percent` (this process), `ram_percent`, `p_memory_percent`, `disk_percent`
 * (averages over the call), JS runtime health, GPU fields where a GPU reports, and with `network`
 * the bytes sent and received over the call.
 */
export function systemMonitor(options: SystemMonitorOptions = {}): SystemMonitor {
  return new SystemMonitor(options);
}
