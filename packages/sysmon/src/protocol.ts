import type { Fields } from './averager.js';

/** What the sampler worker is started with. */
export interface SamplerConfig {
  /** Milliseconds between samples while a call is running. */
  interval: number;
  /** Read network counters (deltas over each call and between snapshots). */
  network: boolean;
  /** Probe for a GPU and sample it when one reports. */
  gpu: boolean;
  /** The path whose file system `disk_percent` describes. */
  diskPath: string;
}

/** Messages from the monitor to the worker: `start` is not answered, the others once, with the same `id`. */
export type SamplerRequest = { type: 'start'; id: number } | { type: 'stop'; id: number } | { type: 'snapshot'; id: number } | { type: 'status'; id: number } | { type: 'ready'; id: number };

/** The worker's state, for diagnostics and tests. */
export interface SamplerStatus {
  /** Calls being sampled now. */
  activeSessions: number;
  /** Whether the interval timer is running (only while a call is). */
  sampling: boolean;
  /** Samples taken since the worker started. */
  samplesTaken: number;
  /** Whether a GPU reported utilisation or memory at start-up. */
  gpu: boolean;
}

export type SamplerReply =
  | { type: 'stopped'; id: number; fields: Fields; samples: number }
  | { type: 'snapshot'; id: number; fields: Fields }
  | { type: 'status'; id: number; status: SamplerStatus }
  | { type: 'ready'; id: number }
  | { type: 'failed'; id: number; message: string };
