/** @xetrack/cache: a function-result cache with lineage for `Tracker.track()`, in a directory (cacache) or any Keyv store (e.g. Redis). */
export type { CacheEntry, EntryMetadata } from './cache-entry.js';
export { CacheStore, cacheStore, type CacheStoreOptions } from './cache-store.js';
export { KEYV_CACHE_NAMESPACE, KeyvCacheStore, keyvCacheStore, type KeyvCacheStoreOptions, type KeyvStoreInput } from './keyv-cache-store.js';
export { LineageCache } from './lineage-cache.js';
export { cacheKey, type Uncacheable } from './cache-key.js';
export { deleteCacheByTrackId, readCache, scanCache, type CacheSource, type ReadingOptions } from './reading.js';
export type { WarningOptions } from './warnings.js';
