/**
 * The sampler: runs in a worker thread so it keeps sampling while the main thread is blocked by
 * synchronous code. It samples level-type fields (memory, disk, GPU) every `interval` while at least
 * one call is running, adds each sample to every running call's sums, and answers a call's `stop`
 * with true averages (sum / count) and the network delta over the call.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Averager, roundFields, type Fields } from './averager.js';
import type { SamplerConfig, SamplerReply, SamplerRequest, SamplerStatus } from './protocol.js';
import { networkDelta, readDisk, readGpu, readMemory, readNetworkTotals, type NetworkTotals } from './readings.js';

const port = parentPort;
if (!port) throw new Error('@xetrack/sysmon: sampler-worker.js runs as a worker thread, not on its own.');
const config = workerData as SamplerConfig;

interface Session {
  averager: Averager;
  /** Settles once the call's first sample and network baseline are taken. */
  started: Promise<void>;
  netStart: NetworkTotals | undefined;
}

const sessions = new Map<number, Session>();
let timer: ReturnType<typeof setInterval> | undefined;
let ticking = false;
let samplesTaken = 0;
let gpuPresent = false;
let lastSnapshotNet: NetworkTotals | undefined;

/** Warm-up before the first call: load systeminformation's sources, probe the GPU, take network baselines. */
const ready: Promise<void> = (async () => {
  const [gpu, net] = await Promise.all([config.gpu ? readGpu() : Promise.resolve({}), config.network ? readNetworkTotals() : Promise.resolve(undefined), readMemory()]);
  gpuPresent = Object.keys(gpu).length > 0;
  lastSnapshotNet = net;
})();

async function sample(): Promise<Fields> {
  const [memory, gpu] = await Promise.all([readMemory(), gpuPresent ? readGpu() : Promise.resolve({})]);
  samplesTaken++;
  return { ...memory, ...readDisk(config.diskPath), ...gpu };
}

/** One interval's sample, added to every running call; skipped while the previous one is still reading. */
async function tick(): Promise<void> {
  if (ticking) return;
  ticking = true;
  try {
    const fields = await sample();
    for (const session of sessions.values()) session.averager.add(fields);
  } finally {
    ticking = false;
  }
}

function startTimer(): void {
  if (!timer) timer = setInterval(() => void tick(), config.interval);
}

function stopTimerIfIdle(): void {
  if (sessions.size === 0 && timer) {
    clearInterval(timer);
    timer = undefined;
  }
}

/** A call starts: its first sample and network baseline now, then every interval until it stops. */
function start(id: number): void {
  const session: Session = { averager: new Averager(), started: Promise.resolve(), netStart: undefined };
  sessions.set(id, session);
  session.started = (async () => {
    await ready;
    if (!sessions.has(id)) return; // stopped before the warm-up finished: stop() samples once
    startTimer();
    const [fields, net] = await Promise.all([sample(), config.network ? readNetworkTotals() : Promise.resolve(undefined)]);
    session.averager.add(fields);
    session.netStart = net;
  })().catch(() => undefined);
}

function status(): SamplerStatus {
  return { activeSessions: sessions.size, sampling: timer !== undefined, samplesTaken, gpu: gpuPresent };
}

async function handle(request: Exclude<SamplerRequest, { type: 'start' }>): Promise<SamplerReply> {
  await ready;
  switch (request.type) {
    case 'ready':
      return { type: 'ready', id: request.id };
    case 'stop': {
      const session = sessions.get(request.id);
      if (!session) return { type: 'stopped', id: request.id, fields: {}, samples: 0 };
      sessions.delete(request.id);
      stopTimerIfIdle();
      await session.started;
      const [last, netEnd] = await Promise.all([sample(), config.network ? readNetworkTotals() : Promise.resolve(undefined)]);
      session.averager.add(last);
      const fields = { ...session.averager.average(), ...networkDelta(session.netStart, netEnd) };
      return { type: 'stopped', id: request.id, fields, samples: session.averager.samples };
    }
    case 'snapshot': {
      const [fields, net] = await Promise.all([sample(), config.network ? readNetworkTotals() : Promise.resolve(undefined)]);
      const delta = networkDelta(lastSnapshotNet, net);
      if (net) lastSnapshotNet = net;
      return { type: 'snapshot', id: request.id, fields: { ...roundFields(fields), ...delta } };
    }
    case 'status':
      return { type: 'status', id: request.id, status: status() };
  }
}

port.on('message', (request: SamplerRequest) => {
  if (request.type === 'start') return start(request.id);
  handle(request).then(
    (reply) => port.postMessage(reply),
    // Answered all the same: the monitor leaves the fields out and never fails the call.
    (error: unknown) => port.postMessage({ type: 'failed', id: request.id, message: String((error as Error)?.message ?? error) } satisfies SamplerReply),
  );
});
