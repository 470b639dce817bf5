import type { Value } from './schema/values.js';

/** The columns every row has. */
export interface KeyFields {
  track_id: string;
  timestamp: string;
}

/**
 * The columns `track()` logs, on any row of a table it wrote to (null or absent on `log()` rows):
 * `function_time` is in seconds, `error` is '' when the call succeeded, `cache` is '' when the
 * result was computed, else the track_id of the run that computed it.
 */
export interface CallFields {
  function_name?: string | null;
  function_time?: number | null;
  args?: string | null;
  error?: string | null;
  cache?: string | null;
  function_result?: Value;
}

/** The row shape of an untyped tracker or reader. */
export type UntypedRow = Record<string, Value>;

/** What reads return for a declared field: Dates come back as ISO text, anything may be null. */
export type ReadValue<T> = T extends Date ? string : T extends undefined ? null : T;

/**
 * A row as reads return it: the declared shape (each field possibly null) plus `track_id`/`timestamp`
 * and the columns `track()` adds.
 */
export type TrackedRow<R> = string extends keyof R ? UntypedRow & KeyFields & CallFields : DeclaredRow<R>;

/** A typed tracker's read row. */
type DeclaredRow<R> = { [K in keyof R]: ReadValue<R[K]> | null } & KeyFields & Omit<CallFields, keyof R>;

/** Values that are not a row: `log()` takes a plain object of key/value pairs. */
type NotARow =
  | readonly unknown[]
  | Map<unknown, unknown>
  | Set<unknown>
  | WeakMap<object, unknown>
  | WeakSet<object>
  | Date
  | RegExp
  | Error
  | PromiseLike<unknown>
  | ArrayBuffer
  | SharedArrayBuffer
  | ArrayBufferView
  | ((...args: never[]) => unknown);

/** `unknown` for a plain object type; `never` (a compile error at the call) for arrays, Maps, Dates and the like. */
export type PlainRow<D> = D extends NotARow ? never : unknown;

/** For a typed tracker, keys it does not declare (nor `track()`'s columns) are `never`: a compile error at the call. */
export type DeclaredKeysOnly<D, R> = string extends keyof R
  ? unknown
  : [Exclude<keyof D, keyof R | keyof CallFields>] extends [never]
    ? unknown
    : { [K in Exclude<keyof D, keyof R | keyof CallFields>]: never };

/** What `log()` accepts: any plain object when untyped, the declared fields (each optional) when typed. */
export type LogData<R> = string extends keyof R ? object : Partial<R>;

/** True for an object type with a method (a class instance, a Map): what an asset store may take. */
type HasMethod<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] extends never ? false : true;

/**
 * A logged value as the row `log()` resolves holds it: as given, except a Date becomes its ISO text
 * and undefined null. Binary data and objects with methods may also be a `string`: the hash a
 * tracker opened with `assets` stores instead.
 */
export type LoggedValue<T> = T extends Date
  ? string
  : T extends undefined
    ? null
    : T extends readonly unknown[]
      ? T
      : T extends ArrayBufferView | ArrayBuffer
        ? T | string
        : T extends object
          ? HasMethod<T> extends true
            ? T | string
            : T
          : T;

/**
 * The row `log(data)` resolves: the keys of `data` with the types given (so `row.loss + 1` compiles),
 * `track_id`/`timestamp`, and every other column of a read row (the tracker's params, ...).
 * A key that is not a column name as given (`'my key'` becomes `my_key`) is stored under its column name.
 */
export type LoggedRow<R, D> = { [K in keyof D as K extends keyof KeyFields ? never : K]: LoggedValue<D[K]> } & (string extends keyof R
  ? UntypedRow & KeyFields & Omit<CallFields, keyof D>
  : Omit<DeclaredRow<R>, keyof D>);
