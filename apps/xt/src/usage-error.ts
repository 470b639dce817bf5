/**
 * Each command is bundled into its own file with its own copy of these classes (see
 * tsup.config.ts), so `instanceof` cannot tell them across files: they carry a brand instead,
 * and `isUsageError` / `exitCodeOf` read it.
 */
const USAGE = Symbol.for('xetrack.cli.UsageError');
const EXIT_CODE = Symbol.for('xetrack.cli.ExitCodeError');

/** A mistake in how `xt` was called (a bad flag value, a missing flag): exit code 2, not 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly [USAGE] = true;
}

/**
 * A failure that ends `xt` with its own exit code, e.g. 2 from `xt check` for any error there,
 * since its 1 means "something regressed". The message is printed like any other error's.
 */
export class ExitCodeError extends Error {
  override readonly name = 'ExitCodeError';
  readonly [EXIT_CODE] = true;
  readonly exitCode: number;

  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** True when `error` is a `UsageError` from any command's bundle. */
export function isUsageError(error: unknown): error is UsageError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[USAGE] === true;
}

/** The exit code an `ExitCodeError` (from any command's bundle) asks for; `undefined` for other errors. */
export function exitCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[EXIT_CODE] !== true) return undefined;
  return (error as ExitCodeError).exitCode;
}
