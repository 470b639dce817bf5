import type { Value } from './schema/values.js';

/** The columns every row has. */
export interface KeyFields {
  track_id: string;
  timestamp: string;
}

/** The row shape of an untyped tracker or reader. */
export type UntypedRow = Record<string, Value>;

/** What reads return for a declared field: Dates come back as ISO text, anything may be null. */
export type ReadValue<T> = T extends Date ? string : T extends undefined ? null : T;

/** A row as reads return it: the declared shape (each field possibly null) plus `track_id`/`timestamp`. */
export type TrackedRow<R> = string extends keyof R ? UntypedRow & KeyFields : { [K in keyof R]: ReadValue<R[K]> | null } & KeyFields;

/** What `log()` accepts: any record when untyped, the declared fields (each optional) when typed. */
export type LogData<R> = string extends keyof R ? object : Partial<R>;
