import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { toJsonText } from '../schema/values.js';

/** Python xetrack's structured levels. */
export type LogLevel = 'TRACKING' | 'MONITOR' | 'EXPERIMENT';

/** Python xetrack's delimiter between a line's header and its JSON message. */
export const LOG_DELIMITER = '!📁!';

export interface TrackLoggerOptions {
  /** Print each logged row to stdout. */
  stdout?: boolean;
  /** Directory of daily log files in the Python line format. */
  path?: string;
  /** File name pattern under `path`; `{date}` (or Python's `{time:YYYY-MM-DD}`) is the day. Default `{date}.log`. */
  fileFormat?: string;
  /** A JSONL file: one JSON object per structured entry. */
  jsonl?: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function localTime(d: Date): string {
  return `${localDate(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** ISO-8601 local time with microseconds and the UTC offset, as Python's loguru writes in JSONL. */
function isoWithOffset(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${localDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}000${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * A tracker's own log sinks (never global: two trackers never change each other's output). Lines
 * use Python xetrack's format, `2024-01-01 12:00:00.000 | TRACKING | xetrack:log:0!📁!{json}`, so
 * either library reads the other's logs.
 */
export class TrackLogger {
  /** The last daily file written, whose folder is known to exist. */
  private lastFile: string | undefined;

  private constructor(private readonly options: Readonly<TrackLoggerOptions>) {}

  /** A logger for the given sinks, or undefined when none is asked for. */
  static create(options: TrackLoggerOptions): TrackLogger | undefined {
    if (!options.stdout && !options.path && !options.jsonl) return undefined;
    // Absolute from the start: a later process.chdir() does not move this tracker's files.
    const resolved = {
      ...options,
      path: options.path ? path.resolve(options.path) : undefined,
      jsonl: options.jsonl ? path.resolve(options.jsonl) : undefined,
    };
    if (resolved.path) mkdirSync(resolved.path, { recursive: true });
    if (resolved.jsonl) mkdirSync(path.dirname(resolved.jsonl), { recursive: true });
    return new TrackLogger(Object.freeze(resolved));
  }

  /** A logged row, at TRACKING level. */
  track(row: Record<string, unknown>): void {
    this.write('TRACKING', row);
  }

  /** Monitoring data, at MONITOR level; an array gives one entry per element. */
  monitor(data: Record<string, unknown> | readonly Record<string, unknown>[]): void {
    for (const entry of Array.isArray(data) ? data : [data]) this.write('MONITOR', entry);
  }

  /** An experiment description, at EXPERIMENT level, as indented (multi-line) JSON. */
  experiment(data: Record<string, unknown>): void {
    this.write('EXPERIMENT', data, 2);
  }

  private write(level: LogLevel, data: Record<string, unknown>, indent?: number): void {
    const now = new Date();
    // integers beyond 2^53 as exact JSON numbers, as Python's json writes them
    const message = toJsonText(data, level, { exactIntegers: true, indent });
    const line = `${localTime(now)} | ${level.padEnd(8)} | xetrack:log:0${LOG_DELIMITER}${message}\n`;
    if (this.options.stdout) process.stdout.write(line);
    if (this.options.path) {
      const file = path.join(this.options.path, this.fileName(now));
      // A file name pattern may name sub-folders (`{date}/run.log`): create them, as loguru does.
      if (file !== this.lastFile) mkdirSync(path.dirname(file), { recursive: true });
      appendFileSync(file, line);
      this.lastFile = file;
    }
    if (this.options.jsonl) {
      // the entry's own time and level first, then the data (whose `timestamp` is the row's, not the entry's)
      const { timestamp: _dropped, ...rest } = data;
      appendFileSync(this.options.jsonl, `${toJsonText({ timestamp: isoWithOffset(now), level, ...rest }, level, { exactIntegers: true })}\n`);
    }
  }

  /** The day's file name: computed per line, so a long run rolls over to a new file at midnight. */
  private fileName(now: Date): string {
    const day = localDate(now);
    return (this.options.fileFormat ?? '{date}.log').replaceAll('{date}', day).replaceAll('{time:YYYY-MM-DD}', day);
  }
}
