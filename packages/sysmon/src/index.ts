/** @xetrack/sysmon: CPU, memory, disk, network, GPU and JS runtime health sampled in a worker thread during tracked calls. */
export { SystemMonitor, systemMonitor, type SystemFields, type SystemMonitorOptions, type SystemMonitorStatus } from './system-monitor.js';
