import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import type { Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import si from 'systeminformation';
import { afterEach, describe, expect, it } from 'vitest';
import { Reader, Tracker } from '@xetrack/core';
import { systemMonitor, type SystemMonitor } from '../src/index.js';
import { parseProcNetDev } from '../src/readings.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDb(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'xt-sysmon-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'track.db');
}

async function openTracked(options: Parameters<typeof systemMonitor>[0]): Promise<{ tracker: Tracker; monitor: SystemMonitor; db: string }> {
  const monitor = systemMonitor(options);
  cleanups.push(() => monitor.close());
  await monitor.ready(); // keep the worker's start-up out of the measured calls
  const db = tempDb();
  const tracker = await Tracker.open(db, { monitor });
  cleanups.push(() => tracker.close());
  return { tracker, monitor, db };
}

/** Synchronous CPU-bound work for `ms`: the main thread's event loop is blocked throughout. */
function busy(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}

/** CPU time (user + system, all threads) since `start`, in seconds. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** How many samples the monitor's worker has taken so far. */
async function samplesTaken(monitor: SystemMonitor): Promise<number> {
  return (await monitor.status()).samplesTaken;
}

/**
 * A tracked call's body that blocks the main thread in 500 ms stretches of CPU-bound work until the
 * worker has taken `samples` samples since it began and it has used `cpu` seconds of CPU time itself.
 * It takes as long as the machine needs: a loaded machine makes it slower, never makes it fail.
 */
function busyUntil(monitor: SystemMonitor, samples: number, cpu: number): () => Promise<number> {
  return async () => {
    const first = await samplesTaken(monitor);
    const cpu0 = process.cpuUsage();
    for (;;) {
      busy(500);
      if (cpuSeconds(cpu0) >= cpu && (await samplesTaken(monitor)) - first >= samples) return cpuSeconds(cpu0);
    }
  };
}

/** A tracked call's body that idles until the worker has taken `samples` samples since it began. */
function idleUntil(monitor: SystemMonitor, samples: number): () => Promise<void> {
  return async () => {
    const first = await samplesTaken(monitor);
    while ((await samplesTaken(monitor)) - first < samples) await sleep(50);
  };
}

/** A promise and the function that resolves it: a tracked call that ends when the test says so. */
function gate(): { wait: () => Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { wait: () => opened, open };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The machine's CPU counters from /proc/stat (ticks over all cores): busy = all but idle and iowait. */
function procStat(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
  const total = user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!;
  return { busy: total - idle! - iowait!, total };
}

/** Machine-wide used-memory % and disk % read here, independently of the monitor. */
async function machineNow(): Promise<{ ram: number; disk: number }> {
  const mem = await si.mem();
  const s = statfsSync('/');
  const used = s.blocks - s.bfree;
  return { ram: ((mem.total - mem.available) / mem.total) * 100, disk: (used / (used + s.bavail)) * 100 };
}

const SYSTEM_FIELDS = ['cpu_percent', 'p_cpu_percent', 'ram_percent', 'p_memory_percent', 'disk_percent'];

describe('systemMonitor during track()', () => {
  it('a CPU-bound call logs the CPU time it used (p_cpu_percent), an idle call next to none; the worker keeps sampling while the call blocks the main thread', async () => {
    const { tracker, monitor } = await openTracked({ interval: 50 });
    const cpu0 = process.cpuUsage();
    const loopCpu = (await tracker.track(busyUntil(monitor, 5, 0.3), { name: 'busy' })) as number;
    const aroundCpu = cpuSeconds(cpu0);
    const busyRow = tracker.latest!;
    await tracker.track(idleUntil(monitor, 5), { name: 'idle' });
    const idleRow = tracker.latest!;

    // CPU time (p_cpu_percent, this process's, over the call's wall time), not the percentage: on a loaded machine a busy
    // loop gets a small share of a core, but the CPU time it burns is the same, and an idle wait's stays
    // near zero however long it waits.
    const cpuTime = (row: Record<string, unknown>) => ((row.p_cpu_percent as number) / 100) * (row.function_time as number);
    expect(cpuTime(busyRow), 'the busy call shows the CPU time its loop used').toBeGreaterThan(loopCpu * 0.5);
    expect(cpuTime(busyRow), 'and no more than the process used around the call').toBeLessThan(aroundCpu * 1.1 + 0.01);
    expect(cpuTime(idleRow), 'an idle call uses a small part of that').toBeLessThan(cpuTime(busyRow) / 3);
    // The blocked event loop shows in the runtime fields (500 ms stretches); the idle one's is far less.
    expect(busyRow.event_loop_delay_p99_ms as number).toBeGreaterThan(250);
    expect(idleRow.event_loop_delay_p99_ms as number).toBeLessThan(busyRow.event_loop_delay_p99_ms as number);
    for (const row of [busyRow, idleRow]) {
      for (const field of [...SYSTEM_FIELDS, 'heap_used_mb']) expect(typeof row[field], field).toBe('number');
      expect(row).not.toHaveProperty('bytes_sent'); // network is opt-in
    }
  });

  it("cpu_percent is the machine's CPU use (0-100 over all cores, as Python xetrack), p_cpu_percent this process's", async () => {
    const { tracker } = await openTracked({ interval: 50 });
    const before = procStat();
    await tracker.track(busy, { args: [500] });
    const after = procStat();
    const row = tracker.latest!;
    const machine = row.cpu_percent as number;
    expect(machine).toBeGreaterThanOrEqual(0);
    expect(machine).toBeLessThanOrEqual(100);
    // The machine's figure, read from /proc/stat around the call here (a slightly wider window).
    const truth = ((after.busy - before.busy) / (after.total - before.total)) * 100;
    expect(Math.abs(machine - truth)).toBeLessThan(15);
    // One busy thread of this process is at most one core's share of the machine (plus what the
    // sampler and other processes add), while p_cpu_percent counts it in % of one core.
    expect(row.p_cpu_percent as number).toBeGreaterThan(0);
    if (cpus().length > 1) expect(machine).toBeGreaterThan(0);
  });

  it('logs averages over the samples, not their sums', async () => {
    const { tracker, monitor } = await openTracked({ interval: 50 });
    const before = await machineNow();
    const rssBefore = process.memoryUsage.rss();
    const samplesBefore = await samplesTaken(monitor);
    await tracker.track(idleUntil(monitor, 5), { name: 'wait' });
    const samples = (await samplesTaken(monitor)) - samplesBefore;
    const after = await machineNow();
    const rssAfter = process.memoryUsage.rss();
    const row = tracker.latest!;

    expect(samples).toBeGreaterThanOrEqual(5); // a sum would be at least 5 times one reading
    const near = (value: number, a: number, b: number, slack: number) => {
      expect(value).toBeGreaterThanOrEqual(Math.min(a, b) - slack);
      expect(value).toBeLessThanOrEqual(Math.max(a, b) + slack);
    };
    near(row.ram_percent as number, before.ram, after.ram, 5); // other processes move it; a sum would be 5x
    near(row.disk_percent as number, before.disk, after.disk, 1);
    const total = (await si.mem()).total;
    near(row.p_memory_percent as number, (rssBefore / total) * 100, (rssAfter / total) * 100, 0.5);
    for (const field of SYSTEM_FIELDS.slice(1)) expect(row[field] as number, field).toBeLessThanOrEqual(100);
  });

  it('with `network`, logs the bytes sent and received over the call, not machine-wide totals', async () => {
    const { tracker, monitor } = await openTracked({ interval: 50, network: true });
    const payload = Buffer.alloc(2 * 1024 * 1024, 7);
    const server = createServer((socket) => socket.resume().on('end', () => socket.end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    // The worker reads the call's network baseline with its first sample, on its own thread: on a
    // loaded machine that can come after the call's first bytes. Sending once it has sampled twice
    // keeps this test about what is counted, not about how soon.
    const send = async () => {
      await idleUntil(monitor, 2)();
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(payload));
        socket
          .on('error', reject)
          .on('close', () => resolve())
          .resume();
      });
    };

    const totalsBefore = parseProcNetDev(readFileSync('/proc/net/dev', 'utf8'))!;
    await tracker.track(send);
    const totalsAfter = parseProcNetDev(readFileSync('/proc/net/dev', 'utf8'))!;
    const row = tracker.latest!;
    // Loopback: the payload is sent and received on this machine.
    expect(row.bytes_sent as number).toBeGreaterThanOrEqual(payload.length);
    expect(row.bytes_recv as number).toBeGreaterThanOrEqual(payload.length);
    expect(row.bytes_sent as number).toBeLessThanOrEqual(totalsAfter.sent - totalsBefore.sent);
    expect(row.bytes_recv as number).toBeLessThanOrEqual(totalsAfter.recv - totalsBefore.recv);
    expect(Number.isInteger(row.bytes_sent)).toBe(true);

    await tracker.track(() => sleep(100), { name: 'quiet' });
    expect(tracker.latest!.bytes_sent as number).toBeLessThan(payload.length);
  });

  it('stops sampling when the call ends; with idleTimeout 0 the worker thread exits too', async () => {
    const { tracker, monitor } = await openTracked({ interval: 20 });
    const call = gate();
    const during: Promise<unknown> = tracker.track(call.wait, { name: 'wait' });
    await idleUntil(monitor, 2)(); // the call is sampled
    const mid = await monitor.status();
    expect(mid).toMatchObject({ workerRunning: true, activeSessions: 1, sampling: true });
    call.open();
    await during;
    const end = await monitor.status();
    expect(end).toMatchObject({ activeSessions: 0, sampling: false });
    await sleep(200); // ten intervals: a timer left running would have sampled
    expect(await samplesTaken(monitor)).toBe(end.samplesTaken);

    const once = await openTracked({ interval: 20, idleTimeout: 0 });
    await once.tracker.track(() => sleep(100), { name: 'wait' });
    expect(typeof once.tracker.latest!.ram_percent).toBe('number');
    // The worker ends by itself, however long the machine takes to stop a thread. Its exit is awaited
    // without polling status(): a status() request in flight when the idle timer fires keeps the
    // worker for good (a sysmon bug of its own, not what this test is about).
    const worker = (once.monitor as unknown as { worker?: Worker }).worker;
    if (worker) await new Promise((resolve) => worker.once('exit', resolve));
    expect((await once.monitor.status()).workerRunning).toBe(false);
    await once.tracker.track(() => sleep(100), { name: 'again' }); // a new worker starts for the next call
    expect(typeof once.tracker.latest!.ram_percent).toBe('number');
  });

  it('samples overlapping calls separately', async () => {
    const { tracker } = await openTracked({ interval: 20 });
    await Promise.all([tracker.track(() => sleep(300), { name: 'a' }), tracker.track(() => sleep(150), { name: 'b' })]);
    const rows = await tracker.toRows();
    expect(rows.map((r) => r.function_name).sort()).toEqual(['a', 'b']);
    for (const row of rows) for (const field of SYSTEM_FIELDS) expect(typeof row[field], `${row.function_name} ${field}`).toBe('number');
  });

  it('leaves out what cannot be read, and survives its worker dying mid-call', async () => {
    const { tracker, monitor } = await openTracked({ interval: 20, diskPath: path.join(tmpdir(), 'no', 'such', 'disk') });
    await tracker.track(() => sleep(100), { name: 'wait' });
    expect(tracker.latest).not.toHaveProperty('disk_percent');
    expect(typeof tracker.latest!.ram_percent).toBe('number');

    // The worker thread dies during a call: the row still gets what the main thread measures.
    const running = gate();
    const call = tracker.track(running.wait, { name: 'orphaned' });
    await (monitor as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    running.open();
    await call;
    expect(typeof tracker.latest!.cpu_percent).toBe('number');
    expect(typeof tracker.latest!.p_cpu_percent).toBe('number');
    expect(typeof tracker.latest!.heap_used_mb).toBe('number');
    expect(tracker.latest).not.toHaveProperty('ram_percent');
    await tracker.track(() => sleep(100), { name: 'recovered' }); // the next call starts a new worker
    expect(typeof tracker.latest!.ram_percent).toBe('number');
  });

  it('reports GPU fields exactly when systeminformation reports a GPU', async () => {
    const { tracker, monitor } = await openTracked({ interval: 50 });
    await tracker.track(() => sleep(100), { name: 'wait' });
    const { gpu } = await monitor.status();
    const reported = (await si.graphics()).controllers.some((c) => typeof c.utilizationGpu === 'number' || typeof c.memoryUsed === 'number');
    expect(gpu).toBe(reported);
    const columns = await tracker.columns();
    if (gpu) {
      expect(columns.some((c) => c === 'gpu_percent' || c === 'gpu_memory_mb')).toBe(true);
    } else {
      // No GPU on this machine (as on CI): no gpu columns, no error.
      expect(columns.filter((c) => c.startsWith('gpu_'))).toEqual([]);
    }
  });

  it('close() ends the worker thread; the monitor restarts it when used again', async () => {
    const { tracker, monitor } = await openTracked({ interval: 50 });
    expect((await monitor.status()).workerRunning).toBe(true);
    await monitor.close();
    expect((await monitor.status()).workerRunning).toBe(false);
    await tracker.track(() => sleep(100), { name: 'after-close' });
    expect(typeof tracker.latest!.ram_percent).toBe('number');
  });

  it('rows read back from the database carry the fields', async () => {
    const { tracker, db } = await openTracked({ interval: 50, network: true });
    await tracker.track(busy, { args: [200] });
    const logged = tracker.latest!;
    await tracker.close();
    const reader = await Reader.open(db);
    const types = await reader.columnTypes();
    await reader.close();
    for (const field of [...SYSTEM_FIELDS, 'event_loop_delay_p99_ms', 'heap_used_mb']) {
      // JavaScript has no 100.0: a machine fully busy over the call logs 100, and the first value
      // sets the column's type (core's float widening makes later fractions widen it).
      expect(types[field], field).toBe(Number.isInteger(logged[field]) ? 'integer' : 'float');
    }
    expect(types.bytes_sent).toBe('integer');
  });
});

describe('systemMonitor snapshots on log()', () => {
  it('adds instant readings to every log() row, and network bytes since the previous row', async () => {
    const { tracker } = await openTracked({ interval: 50, snapshot: true, network: true });
    await tracker.log({ step: 1 });
    await tracker.log({ step: 2 });
    const rows = await tracker.toRows();
    for (const row of rows) {
      for (const field of [...SYSTEM_FIELDS, 'heap_used_mb', 'bytes_sent', 'bytes_recv']) expect(typeof row[field], field).toBe('number');
      expect(row).not.toHaveProperty('event_loop_delay_p99_ms'); // a call-only field
    }
  });

  it('keeps a tracked call’s averages in its row instead of replacing them by a snapshot', async () => {
    const { tracker, monitor } = await openTracked({ interval: 50, snapshot: true });
    let averages: Record<string, number> | undefined;
    const start = monitor.start.bind(monitor);
    monitor.start = () => {
      const session = start();
      return { stop: async () => (averages = await session.stop()) };
    };
    await tracker.log({ step: 1 });
    await sleep(300);
    await tracker.track(busy, { args: [300] });
    const row = tracker.latest!;
    expect(averages).toBeDefined();
    for (const field of [...SYSTEM_FIELDS, 'event_loop_delay_p99_ms', 'heap_used_mb']) expect(row[field], field).toBe(averages![field]);
    await tracker.log({ step: 2 }); // and the next log() gets its snapshot again
    expect(typeof tracker.latest!.cpu_percent).toBe('number');
  });
});

describe('the process lifetime', () => {
  it.each([
    // idleTimeout far beyond the guard below: only the worker being unref'd lets this process exit.
    ['kept warm between calls (idleTimeout 10 min)', '600000'],
    ['ended after every call (idleTimeout 0)', '0'],
  ])('a process that tracks calls with a monitor it never closes exits by itself: worker %s', (_label, idleTimeout) => {
    const db = tempDb();
    // The timeout only turns a hang into a failure (the child normally exits within a few seconds).
    const child = spawnSync(process.execPath, [path.join(here, 'fixtures', 'track-then-idle.mjs'), db, idleTimeout], { cwd: path.join(here, '..'), encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    const rows = JSON.parse(child.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => r.function_name)).toEqual(['busy', 'sleep']);
    for (const row of rows) for (const field of SYSTEM_FIELDS) expect(typeof row[field], field).toBe('number');
  });
});
