import type { Cell } from '../common/types.js';

/** A number shown with up to 4 significant decimals; other cells as text. */
export function formatCell(value: Cell | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    const abs = Math.abs(value);
    if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(3);
    return String(Number(value.toPrecision(5)));
  }
  return String(value);
}

/** Bytes as KB/MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Short run ids in legends and headers. */
export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 12)}…` : id;
}

/** A colour per series, readable on light and dark backgrounds. */
export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777', '#65a30d', '#7c3aed', '#ea580c'];
export function colorOf(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}
