/** The lineage every stored result carries, whatever the store (cacache's index metadata, a Keyv value). */
export interface EntryMetadata {
  /** Format of the entry; bumped if it ever changes. */
  v: 1;
  /** The run that computed the result. */
  trackId: string;
  functionName: string;
}

/** One cached result with its lineage, as `readCache` and `scanCache` return it. */
export interface CacheEntry {
  key: string;
  /** The track_id of the run that computed the result. */
  trackId: string;
  functionName: string;
  /** When the result was stored. */
  createdAt: Date;
  /** Bytes of the stored result (its node:v8 serialization). */
  size: number;
  /** The result (absent when read with `results: false`). */
  result?: unknown;
}
