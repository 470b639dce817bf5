// examples/system-monitor.ts
import { Tracker } from '@xetrack/core';
import { systemMonitor } from '@xetrack/sysmon';

const monitor = systemMonitor({ interval: 100, network: true }); // a worker thread samples every 100 ms
const tracker = await Tracker.open('monitored.db', { monitor });
function crunch(n: number) { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i); return s; } // synchronous, CPU-bound
await tracker.track(crunch, { args: [3e7] }); // the row gets averages over the call
const { cpu_percent, p_cpu_percent, ram_percent, p_memory_percent, disk_percent, bytes_sent, event_loop_delay_p99_ms } = tracker.latest!;
console.log({ cpu_percent, p_cpu_percent, ram_percent, p_memory_percent, disk_percent, bytes_sent, event_loop_delay_p99_ms });
await tracker.close();
await monitor.close(); // optional: the worker never keeps the process alive
