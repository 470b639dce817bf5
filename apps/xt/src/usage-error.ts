/** A mistake in how `xt` was called (a bad flag value, a missing flag): exit code 2, not 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
