import { describe } from 'vitest';
import { XetrackError } from '@xetrack/core/engine';

/**
 * One describe block of a conformance suite, in a file of its own. The suite's aggregator registers
 * it, skipped with the reason in its title when the engine lacks what it needs or the test file opts out.
 */
export interface SuiteGroup<Suite, Name extends string = string> {
  /** The name a test file passes in `skip`, e.g. `'hostile-identifiers'`. */
  readonly name: Name;
  /** The describe block's title. */
  readonly title: string;
  /** Why the group cannot run here (e.g. a capability the engine does not declare); undefined when it can. */
  unavailable?(suite: Suite): string | undefined;
  /** Registers the group's tests; called inside its describe block. */
  tests(suite: Suite): void;
}

/** Options for the tests that write many rows: a limit that only turns a hang into a failure, on a slow engine or a loaded machine. */
export const HEAVY = { timeout: 120_000 };

/** A group: `name`, `title` (and `unavailable`) first, then the function that registers its tests. */
export function defineGroup<Suite, Name extends string>(about: Omit<SuiteGroup<Suite, Name>, 'tests'>, tests: (suite: Suite) => void): SuiteGroup<Suite, Name> {
  return Object.freeze({ ...about, tests });
}

/**
 * A group a test file opts out of: its name, or its name with the reason to show, e.g.
 * `{ group: 'hostile-identifiers', reason: 'the store folds names to lower case' }`.
 */
export type SkippedGroup<Name extends string> = Name | { group: Name; reason: string };

/** What the aggregators take as their last argument. */
export interface ConformanceOptions<Name extends string> {
  /** Groups not to run; each is still listed, as a skipped describe naming the reason. */
  skip?: readonly SkippedGroup<Name>[];
}

/** Registers each group's describe block, in order; a group opted out of or unavailable is skipped with its reason. */
export function registerGroups<Suite, Name extends string>(groups: readonly SuiteGroup<Suite, Name>[], suite: Suite, skip: readonly SkippedGroup<Name>[] = []): void {
  const optedOut = new Map<string, string>();
  for (const entry of skip) {
    const [name, reason] = typeof entry === 'string' ? [entry, `the test file opts out of '${entry}'`] : [entry.group, entry.reason];
    if (!groups.some((g) => g.name === name)) {
      throw new XetrackError('INVALID_ARGUMENT', `skip names no group of this suite: ${JSON.stringify(name)}. Groups: ${groups.map((g) => g.name).join(', ')}.`);
    }
    optedOut.set(name, reason);
  }
  for (const group of groups) {
    const reason = optedOut.get(group.name) ?? group.unavailable?.(suite);
    describe.skipIf(reason !== undefined)(reason === undefined ? group.title : `${group.title} (skipped: ${reason})`, () => group.tests(suite));
  }
}
