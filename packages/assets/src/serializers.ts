import { deserialize, serialize } from 'node:v8';

/**
 * Turns values of one type into bytes and back. `name` is stored with every asset it wrote, so
 * reading finds the same serializer again: keep it stable, and unique among your serializers.
 */
export interface AssetSerializer<T = any> {
  /** Stored with each asset; `raw` and `v8` are taken by the built-in serializers. */
  name: string;
  /** True for the values this serializer handles; tried in order before the built-in rules. */
  test(value: unknown): boolean;
  serialize(value: T): Uint8Array | Promise<Uint8Array>;
  deserialize(data: Uint8Array): T | Promise<T>;
}

/** Uint8Array (and Buffer) as its own bytes: the asset's hash is the xxh64 of the data itself. */
export const rawSerializer: AssetSerializer<Uint8Array> = {
  name: 'raw',
  test: (value) => value instanceof Uint8Array,
  serialize: (value) => value,
  deserialize: (data) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
};

/**
 * Everything else: `node:v8` structured serialization. Typed arrays, Map, Set, Date, RegExp,
 * bigint and errors round-trip exactly; a class instance comes back as a plain object with its
 * fields (register a serializer for the class to get the class back).
 */
export const v8Serializer: AssetSerializer<unknown> = {
  name: 'v8',
  test: () => true,
  serialize: (value) => serialize(value),
  deserialize: (data) => deserialize(data),
};

export const BUILT_IN_SERIALIZERS: readonly string[] = [rawSerializer.name, v8Serializer.name];
