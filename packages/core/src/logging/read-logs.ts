import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { XetrackError } from '../errors.js';
import { parseExactJson, type ExactJsonValue } from './exact-json.js';
import { LOG_DELIMITER } from './track-logger.js';

/**
 * One structured log entry: its message's keys, plus `level` (TRACKING, MONITOR, EXPERIMENT, ...).
 * Integers beyond +-2^53-1 read back exactly, as bigints.
 */
export type LogRow = { [key: string]: ExactJsonValue };

export interface ReadLogsOptions {
  /** Read only the newest `limit` files (by path, as daily file names sort), like Python's `limit`. */
  limit?: number;
  /**
   * Also read files whose name matches (besides `*.log`): a RegExp, or a file-name pattern as given
   * to `logsFileFormat`, where `{date}` (or `{time:YYYY-MM-DD}`) is a day and `*` anything.
   */
  pattern?: RegExp | string;
  /** Only entries at these levels (e.g. `['TRACKING']`). */
  levels?: readonly string[];
}

/** `YYYY-MM-DD HH:mm:ss.SSS | LEVEL | name:function:line` before the delimiter, as loguru writes it. */
const HEADER = /^\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \| *([^|]*?) *\|/;
const ANSI = /\x1b\[[0-9;]*m/g;

function patternRegExp(pattern: RegExp | string): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const parts = pattern.split(/(\{date\}|\{time:YYYY-MM-DD\}|\*)/);
  const source = parts
    .map((part) => {
      if (part === '{date}' || part === '{time:YYYY-MM-DD}') return '\\d{4}-\\d{2}-\\d{2}';
      if (part === '*') return '.*';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

async function isDirectory(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isDirectory();
  } catch (error) {
    throw new XetrackError('NOT_FOUND', `No log file or directory at ${file}: pass the logsPath the tracker wrote to.`, { cause: error });
  }
}

/** Files under `dir` (recursively) named `*.log` or matching `pattern`, sorted by path. */
async function logFiles(dir: string, pattern: RegExp | undefined): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string) => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && (entry.name.endsWith('.log') || pattern?.test(entry.name))) found.push(full);
    }
  };
  await walk(dir);
  return found.sort();
}

/** A message's JSON object, or undefined when it is not one (a WARNING's text, a traceback). */
function parseMessage(lines: string[]): LogRow | undefined {
  const attempts = lines.length > 1 ? [lines.join('\n'), lines[0]!] : [lines[0] ?? ''];
  for (const text of attempts) {
    try {
      const value = parseExactJson(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
      return undefined; // JSON, but not an entry (a bare number or string)
    } catch {
      // a multi-line message followed by non-JSON output: retry with its first line alone
    }
  }
  return undefined;
}

/** The level a header line names, or '' when the line has no header (colours are ignored). */
function levelOf(header: string): string {
  return HEADER.exec(header.replace(ANSI, ''))?.[1]?.trim() ?? '';
}

/**
 * The structured entries of one log file's text: lines in the Python xetrack / xetrack-ts format
 * (`header!📁!{json}`, where an EXPERIMENT's indented JSON continues over the following lines) and
 * loguru's serialized lines (`{"text": "...", "record": {...}}`). Messages that are not JSON
 * objects are skipped, and so are empty ones (Python's SKIP_INSERT writes `{}` lines).
 */
export function parseLogText(text: string): LogRow[] {
  const rows: LogRow[] = [];
  let pending: { level: string; lines: string[] } | undefined;
  const push = (level: string, lines: string[]) => {
    const message = parseMessage(lines);
    if (!message || Object.values(message).every((v) => v === null)) return;
    rows.push({ level, ...message });
  };
  const flush = () => {
    if (pending) push(pending.level, pending.lines);
    pending = undefined;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(ANSI, '');
    if (line.startsWith('{"text":')) {
      flush();
      try {
        const record = JSON.parse(line) as { text?: string; record?: { level?: { name?: string } } };
        const entry = record.text ?? '';
        const at = entry.indexOf(LOG_DELIMITER);
        if (at >= 0) push(record.record?.level?.name ?? levelOf(entry.slice(0, at)), [entry.slice(at + LOG_DELIMITER.length).trim()]);
      } catch {
        // not a serialized loguru record after all
      }
      continue;
    }
    const at = line.indexOf(LOG_DELIMITER);
    if (at >= 0) {
      flush();
      pending = { level: levelOf(line.slice(0, at)), lines: [line.slice(at + LOG_DELIMITER.length).trim()] };
    } else if (pending && line.trim() !== '') {
      pending.lines.push(line.trim());
    }
  }
  flush();
  return rows;
}

/**
 * Reads structured log entries written by a tracker's `logsPath` / `logsStdout` (or by Python
 * xetrack): `file` is one log file, or a directory whose `*.log` files (and files matching
 * `pattern`) are read recursively, oldest first. Each row is the entry's JSON message plus its
 * `level` (a message's own `level` key wins).
 */
export async function readLogs(file: string, options: ReadLogsOptions = {}): Promise<LogRow[]> {
  let files = (await isDirectory(file)) ? await logFiles(file, options.pattern === undefined ? undefined : patternRegExp(options.pattern)) : [file];
  if (options.limit !== undefined) files = options.limit > 0 ? files.slice(-options.limit) : [];
  const levels = options.levels ? new Set(options.levels.map((l) => l.toUpperCase())) : undefined;
  const rows: LogRow[] = [];
  for (const f of files) {
    for (const row of parseLogText(await readFile(f, 'utf8'))) if (!levels || levels.has(String(row.level).toUpperCase())) rows.push(row);
  }
  return rows;
}

/** Reads a JSONL file (a tracker's `jsonl` sink, or Python xetrack's): one row per JSON object line; blank and torn lines are skipped. */
export async function readJsonl(file: string): Promise<LogRow[]> {
  if (await isDirectory(file)) throw new XetrackError('INVALID_ARGUMENT', `${file} is a directory: readJsonl() takes the JSONL file a tracker's \`jsonl\` option named.`);
  const rows: LogRow[] = [];
  for (const line of (await readFile(file, 'utf8')).split(/\r?\n/)) {
    if (!line.trim()) continue;
    try {
      const value = parseExactJson(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) rows.push(value);
    } catch {
      // a line cut short (the writing process died mid-line): skipped
    }
  }
  return rows;
}
