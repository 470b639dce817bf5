import type { Row } from '../engine/contract.js';

/** The failures of a group's calls by call index; undefined when every call was committed. */
export type WriteFailures = unknown[] | undefined;
type Failures = WriteFailures;

/**
 * Rows queued for one group commit. Every caller awaits the same `done`, which never rejects: it
 * resolves with the failures by call index, so a burst of un-awaited calls costs one promise, not one each.
 */
interface Group {
  rows: Row[];
  /** `rows` is a caller's own array (a batch adopted as is): copy it before adding to it. */
  shared: boolean;
  /** End (exclusive) of each call's rows in `rows`. */
  ends: number[];
  done: Promise<Failures>;
  settle(failures: Failures): void;
}

/** A call's place in a group: `throwIfFailed(ticket, await ticket.done)` throws that call's error, if any. */
export interface WriteTicket {
  done: Promise<Failures>;
  call: number;
}

/** Throws the error that kept the ticket's rows out, given the failures its group settled with. */
export function throwIfFailed(ticket: WriteTicket, failures: Failures): void {
  if (failures !== undefined && ticket.call in failures) throw failures[ticket.call];
}

/**
 * Group commit: calls made without awaiting each other land in one `insert` (one transaction), in
 * call order. If a group fails, each call is retried alone, so one bad call cannot take the others
 * down with it.
 */
export class WriteQueue {
  private open: Group | undefined;
  private draining: Promise<void> | undefined;

  /**
   * @param insert writes rows in one transaction.
   * @param onIdle runs after a group is settled when nothing else is queued.
   */
  constructor(
    private readonly insert: (rows: Row[]) => Promise<void>,
    private readonly onIdle: () => void,
  ) {}

  /**
   * Queues one call's rows for the next group commit: a row (the `log()` path: no array per call)
   * or a batch (adopted without a copy when it opens the group).
   */
  enqueue(rows: Row | readonly Row[]): WriteTicket {
    let group = this.open;
    if (group === undefined) {
      let settle!: (failures: Failures) => void;
      const done = new Promise<Failures>((resolve) => (settle = resolve));
      group = this.open = { rows: [], shared: false, ends: [], done, settle };
      this.draining ??= Promise.resolve().then(() => this.drain());
    }
    if (Array.isArray(rows) && group.rows.length === 0) {
      group.rows = rows as Row[];
      group.shared = true;
    } else {
      if (group.shared) {
        group.rows = group.rows.slice();
        group.shared = false;
      }
      if (Array.isArray(rows)) for (const row of rows as readonly Row[]) group.rows.push(row);
      else group.rows.push(rows as Row);
    }
    group.ends.push(group.rows.length);
    return { done: group.done, call: group.ends.length - 1 };
  }

  /** Resolves once every queued write has been committed or has failed. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.open !== undefined) {
        const group = this.open;
        this.open = undefined;
        group.settle(await this.commit(group));
      }
    } finally {
      this.draining = undefined;
    }
  }

  /** Commits a group; on failure retries each call alone, so one bad call keeps only its own rows out. */
  private async commit(group: Group): Promise<Failures> {
    try {
      await this.insert(group.rows);
      return undefined;
    } catch (error) {
      const failures: unknown[] = [];
      if (group.ends.length === 1) {
        failures[0] = error;
        return failures;
      }
      let start = 0;
      for (let call = 0; call < group.ends.length; call++) {
        const end = group.ends[call]!;
        try {
          await this.insert(group.rows.slice(start, end));
        } catch (own) {
          failures[call] = own;
        }
        start = end;
      }
      return failures;
    } finally {
      if (this.open === undefined) this.onIdle();
    }
  }
}
