import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { CellValue, ColumnSpec, Row } from '../engine/contract.js';

/**
 * The lines of a spool fragment, one JSON object each, ended by '\n':
 * a header `{"spool":1,...}` first, then `{"table","columns"}` before the rows that use new columns,
 * `{"table","rows"}` for each insert (a batch is one line, so it is all there or not at all), and
 * `{"end":true}` when the writer closed. A line without its '\n' is still being written, or was
 * torn by a killed writer: it is never read.
 */
export const SPOOL_VERSION = 1;

export type SpoolLine = { spool: number; host: string; pid: number; created: string } | { table: string; columns: ColumnSpec[] } | { table: string; rows: Record<string, unknown>[] } | { end: true };

/** Fragment file names: `host-pid-random.jsonl`, so no two writers on any host share one. */
export const FRAGMENT_NAME = /^[A-Za-z0-9._-]+\.jsonl$/;

export function fragmentName(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9.-]/g, '_')
      .slice(0, 64) || 'host';
  return `${host}-${process.pid}-${randomBytes(6).toString('hex')}.jsonl`;
}

/**
 * Cells as JSON: strings, finite numbers, booleans and null as themselves; what JSON cannot hold
 * exactly as a one-key object (rows are flat, so an object is always such a tag).
 */
export function encodeCell(value: CellValue): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return { $float: Object.is(value, -0) ? '-0' : String(value) };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  return value;
}

export function decodeCell(value: unknown): CellValue {
  if (value === null || typeof value !== 'object') return value as CellValue;
  const tag = value as { $bigint?: string; $float?: string; $bytes?: string };
  if (tag.$bigint !== undefined) return BigInt(tag.$bigint);
  if (tag.$float !== undefined) return Number(tag.$float);
  if (tag.$bytes !== undefined) return new Uint8Array(Buffer.from(tag.$bytes, 'base64'));
  throw new Error(`unknown cell ${JSON.stringify(value).slice(0, 80)}`);
}

export function encodeRow(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (value !== undefined) out[key] = encodeCell(value);
  return out;
}

export function decodeRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key] = decodeCell(value);
  return out;
}
