import type { CellValue, ColumnSpec } from '../engine/contract.js';
import { decodeValue } from '../schema/values.js';

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge space. */
function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A cell as CSV text: NULL is empty, blobs are base64, JSON columns their JSON text. */
function csvCell(cell: CellValue | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Uint8Array) return Buffer.from(cell.buffer, cell.byteOffset, cell.byteLength).toString('base64');
  return csvField(String(cell));
}

export function csvHeader(columns: readonly ColumnSpec[]): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\n`;
}

export function csvLine(columns: readonly ColumnSpec[], row: Record<string, CellValue>): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) line += (i ? ',' : '') + csvCell(row[columns[i]!.name]);
  return `${line}\n`;
}

/** A cell as a JSON value: JSON columns nested, bigint a number when safe (else a string), blobs base64. */
function jsonCell(cell: CellValue | undefined, spec: ColumnSpec): unknown {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'bigint') return Number.isSafeInteger(Number(cell)) ? Number(cell) : cell.toString();
  if (cell instanceof Uint8Array) return Buffer.from(cell.buffer, cell.byteOffset, cell.byteLength).toString('base64');
  if (typeof cell === 'number' && !Number.isFinite(cell)) return null;
  return spec.type === 'json' ? decodeValue(cell, 'json') : cell;
}

export function jsonLine(columns: readonly ColumnSpec[], row: Record<string, CellValue>): string {
  const out: Record<string, unknown> = {};
  for (const spec of columns) out[spec.name] = jsonCell(row[spec.name], spec);
  return `${JSON.stringify(out)}\n`;
}
