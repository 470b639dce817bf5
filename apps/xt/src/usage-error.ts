/** A mistake in how `xt` was called (a bad flag value, a missing flag): exit code 2, not 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A failure that ends `xt` with its own exit code, e.g. 2 from `xt check` for any error there,
 * since its 1 means "something regressed". The message is printed like any other error's.
 */
export class ExitCodeError extends Error {
  override readonly name = 'ExitCodeError';
  readonly exitCode: number;

  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}
