/** @xetrack/assets: a content-addressed, deduplicated object store for xetrack, on Keyv (SQLite by default). */
export {
  assetStore,
  KeyvAssetStore,
  ASSETS_NAMESPACE,
  BLOBS_NAMESPACE,
  DEFAULT_TABLE,
  HASH_PATTERN,
  type AssetInfo,
  type AssetRecord,
  type AssetStoreOptions,
  type GcOptions,
  type GcResult,
} from './keyv-asset-store.js';
export { rawSerializer, v8Serializer, type AssetSerializer } from './serializers.js';
export { xxh64, xxh64Hex } from './xxh64.js';
