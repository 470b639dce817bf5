/** Commands whose packages are not released yet, and what to do meanwhile. */
const PENDING: Record<string, string> = {
  copy: 'xt copy is not available yet: it arrives with a later release of @xetrack/cli. Meanwhile read rows with `xt sql SOURCE \'SELECT * FROM "default"\' --json` and log them with Tracker.logBatch() from @xetrack/core.',
  export: 'xt export is not available yet: it arrives with a later release of @xetrack/cli. Meanwhile `xt sql DB \'SELECT * FROM "default"\' --json` prints every row as JSON.',
  cache: 'xt cache needs @xetrack/cache, which is not released yet: wait for @xetrack/cache and the @xetrack/cli release that uses it.',
  assets: 'xt assets needs @xetrack/assets, which is not released yet: wait for @xetrack/assets and the @xetrack/cli release that uses it.',
};

/** The one-line answer of a command that is not there yet (exit 1). */
export function pending(command: string): never {
  throw new Error(PENDING[command] ?? `xt ${command} is not available yet.`);
}
