/**
 * Compile-time checks of the row types (not run: `row-types.test.ts` compiles this file with tsc).
 * Each `@ts-expect-error` must hit an error, and every other line must compile.
 */
import { expectTypeOf } from 'vitest';
import type { Reader, Tracker } from '../../src/index.js';

declare const t: Tracker;
interface Epoch {
  epoch: number;
  accuracy: number;
  model: string;
}
declare const typed: Tracker<Epoch>;
declare const reader: Reader;
class Model {
  weights = [1, 2];
  predict(x: number): number {
    return x;
  }
}

export async function untypedTracker(): Promise<void> {
  // log() resolves the row typed with the keys given, plus the key fields
  const row = await t.log({ loss: 0.5, model: 'mlp', ok: true, at: new Date(), big: 2n, nothing: undefined });
  expectTypeOf(row.loss + 1).toEqualTypeOf<number>();
  expectTypeOf(row.model).toEqualTypeOf<string>();
  expectTypeOf(row.ok).toEqualTypeOf<boolean>();
  expectTypeOf(row.at).toEqualTypeOf<string>(); // a Date is stored as its ISO text
  expectTypeOf(row.big).toEqualTypeOf<bigint>();
  expectTypeOf(row.nothing).toEqualTypeOf<null>();
  expectTypeOf(row.track_id).toEqualTypeOf<string>();
  expectTypeOf(row.timestamp).toEqualTypeOf<string>();
  // other columns (the tracker's params) are still readable, as any read value
  expectTypeOf(row.lr).toEqualTypeOf<import('../../src/index.js').Value | undefined>();
  // a value with methods may come back as an asset hash
  const withModel = await t.log({ model: new Model() });
  expectTypeOf(withModel.model).toEqualTypeOf<Model | string>();

  const batch = await t.logBatch([
    { epoch: 1, loss: 0.9 },
    { epoch: 2, loss: 0.4 },
  ]);
  expectTypeOf(batch[0]!.loss * 2).toEqualTypeOf<number>();
  expectTypeOf(batch[0]!.track_id).toEqualTypeOf<string>();

  // rows read back carry the columns track() logs
  const [read] = await t.toRows();
  expectTypeOf(read!.function_name).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(read!.function_time).toEqualTypeOf<number | null | undefined>();
  expectTypeOf(read!.args).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(read!.error).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(read!.cache).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(t.latest?.function_time).toEqualTypeOf<number | null | undefined>();
  const [readerRow] = await reader.toRows();
  expectTypeOf(readerRow!.function_time).toEqualTypeOf<number | null | undefined>();

  // objects of interface types and records built at run time are rows
  interface Config {
    lr: number;
    layers: number;
  }
  const config: Config = { lr: 0.1, layers: 3 };
  expectTypeOf((await t.log(config)).lr).toEqualTypeOf<number>();
  const record: Record<string, unknown> = JSON.parse('{"a": 1}');
  await t.log(record);

  // a row must be a plain object
  // @ts-expect-error a Map is not a row
  await t.log(new Map([['loss', 0.5]]));
  // @ts-expect-error a Date is not a row
  await t.log(new Date());
  // @ts-expect-error an array is not a row
  await t.log([1, 2]);
  // @ts-expect-error a Promise is not a row
  await t.log(Promise.resolve({ loss: 1 }));
  // @ts-expect-error an Error is not a row
  await t.log(new Error('x'));
  // @ts-expect-error a RegExp is not a row
  await t.log(/x/);
  // @ts-expect-error a string is not a row
  await t.log('loss');
  // @ts-expect-error nor is a Set inside a batch
  await t.logBatch([new Set([1])]);
}

export async function typedTracker(): Promise<void> {
  const row = await typed.log({ epoch: 1, accuracy: 0.91 });
  expectTypeOf(row.accuracy + 1).toEqualTypeOf<number>(); // given: not null
  expectTypeOf(row.model).toEqualTypeOf<string | null>(); // not given: as read
  expectTypeOf(row.track_id).toEqualTypeOf<string>();
  // @ts-expect-error epoch is a number
  await typed.log({ epoch: 'one' });
  // @ts-expect-error a key the tracker does not declare
  await typed.log({ epoch: 1, lr: 0.1 });
  // @ts-expect-error a Map is not a row
  await typed.log(new Map());

  const [read] = await typed.toRows();
  expectTypeOf(read!.accuracy).toEqualTypeOf<number | null>();
  expectTypeOf(read!.function_name).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(read!.function_time).toEqualTypeOf<number | null | undefined>();
  expectTypeOf(read!.error).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(read!.cache).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(read!.args).toEqualTypeOf<string | null | undefined>();
  expectTypeOf(typed.latest?.function_name).toEqualTypeOf<string | null | undefined>();
}
