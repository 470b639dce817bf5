import { expect } from 'vitest';
import { isXetrackError, type XetrackErrorCode } from '@xetrack/core/engine';

/** What `promise` rejects with; throws (failing the test) when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection, but the call resolved');
    },
    (error: unknown) => error,
  );
}

/** Asserts that `promise` rejects with a XetrackError of `code`, and returns that error. */
export async function expectCode(promise: Promise<unknown>, code: XetrackErrorCode): Promise<Error> {
  const error = await rejection(promise);
  const got = isXetrackError(error) ? `XetrackError ${error.code}: ${error.message}` : String(error);
  expect(isXetrackError(error, code), `expected a XetrackError with code ${code}, got ${got}`).toBe(true);
  return error as Error;
}
