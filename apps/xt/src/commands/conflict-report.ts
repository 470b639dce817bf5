import type { RowConflict } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { cellText } from '../format/cell-text.js';

/** Conflicts listed one per line on stderr; the rest are counted. */
const LISTED = 20;

/**
 * Lists rows the target holds with other values (kept as they are) on stderr, then fails the
 * command (exit 1) so a script notices: a conflict is never resolved silently.
 */
export function reportConflicts(context: CliContext, total: number, listed: (RowConflict & { source?: string })[]): void {
  if (total === 0) return;
  for (const c of listed.slice(0, LISTED)) {
    const columns = c.columns.map((d) => `${d.column}: ${shown(d.target)} (target) vs ${shown(d.incoming)}${c.source ? ` (${c.source})` : ''}`).join('; ');
    context.stderr.write(`conflict in ${c.table}: track_id ${c.track_id}, timestamp ${c.timestamp}: ${columns}\n`);
  }
  if (total > LISTED) context.stderr.write(`... and ${total - LISTED} more.\n`);
  throw new Error(
    `${total} ${total === 1 ? 'row' : 'rows'} of the same track_id and timestamp but other values ${total === 1 ? 'was' : 'were'} kept as the target has ${total === 1 ? 'it' : 'them'}, not overwritten. Inspect ${total === 1 ? 'it' : 'them'} with xt sql, and delete the side you do not want before merging again.`,
  );
}

const shown = (value: unknown) => (value === null ? 'NULL' : cellText(value));
