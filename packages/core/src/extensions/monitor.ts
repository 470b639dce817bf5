/**
 * What `Tracker` needs from a system monitor (`@xetrack/sysmon` implements it on
 * systeminformation): fields sampled over a tracked call, and optionally a snapshot for every row.
 */
export interface MonitorSession {
  /** Stops sampling and resolves the fields to log (averages over the call, deltas for counters). */
  stop(): Promise<Record<string, number>>;
}

export interface Monitor {
  /** Starts sampling for one tracked call. */
  start(): MonitorSession;
  /** Fields added to every logged row, when the monitor was configured for per-row snapshots. */
  snapshot?(): Promise<Record<string, number>>;
  /** Releases what the monitor holds (a worker thread). */
  close?(): Promise<void>;
}
