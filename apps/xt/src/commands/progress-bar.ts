import type { CopyProgress } from '@xetrack/core';
import type { CliContext } from '../context.js';

/** Copies below this many rows draw no progress bar: they finish before one would be seen. */
const PROGRESS_FROM_ROWS = 20_000;

/** A progress bar on stderr, drawn in place; `finish` ends its line. */
export function progressBar<P extends CopyProgress>(context: CliContext, label: (p: P) => string = (p) => p.table): (p: P, finish?: boolean) => void {
  let drawn = false;
  return (p, finish = false) => {
    if (finish) {
      if (drawn) context.stderr.write('\n');
      return;
    }
    if (p.total < PROGRESS_FROM_ROWS) return;
    const width = 30;
    const filled = Math.round((p.done / p.total) * width);
    const percent = Math.floor((p.done / p.total) * 100);
    context.stderr.write(`\r${label(p)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}% ${p.done}/${p.total} rows`);
    drawn = true;
  };
}
