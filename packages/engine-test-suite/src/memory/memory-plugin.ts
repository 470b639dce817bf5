import { ENGINE_API_VERSION, XetrackError, type EnginePlugin, type LocationIntent } from '@xetrack/core/engine';
import { MemoryEngine, type MemoryEngineOptions } from './memory-engine.js';
import { MemoryStore } from './memory-store.js';

/**
 * The reference engine as a plugin, so `Tracker.open` and `Reader.open` can open it by location.
 * A location names a store in `stores`: every engine opened on one name shares its tables, as
 * connections to one file do. Name them as URLs (`memory://runs`), so core does not look for a file.
 * Opening to read (`mustExist`) a name no one has written is NOT_FOUND, like a missing file.
 *
 * `Tracker.open('memory://runs', { engine: memoryEnginePlugin() })`
 */
export function memoryEnginePlugin(stores: Map<string, MemoryStore> = new Map()): EnginePlugin<MemoryEngineOptions> {
  return Object.freeze({
    apiVersion: ENGINE_API_VERSION,
    name: 'memory',
    async create(options: MemoryEngineOptions) {
      return new MemoryEngine(options);
    },
    fromLocation(location: string, intent: LocationIntent = {}): MemoryEngineOptions {
      let store = stores.get(location);
      if (store === undefined) {
        if (intent.mustExist) throw new XetrackError('NOT_FOUND', `memory: no store named ${location} in this process. Write to it first.`);
        store = new MemoryStore();
        stores.set(location, store);
      }
      return { store, location };
    },
  });
}
