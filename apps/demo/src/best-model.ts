import { assetStore, type AssetSerializer } from '@xetrack/assets';
import { Tracker } from '@xetrack/core';
import { Mlp } from './model.js';

/**
 * Stores an `Mlp` as an asset: the bytes are float64 little-endian numbers, `[inputs, hidden,
 * ...model.weights()]`, so the exported file is readable anywhere (e.g. `numpy.fromfile(f, '<f8')`)
 * and `tracker.assets.get(hash)` gives an `Mlp` back.
 */
export const mlpSerializer: AssetSerializer<Mlp> = {
  name: 'xetrack-demo.Mlp', // stored with each asset: keep it stable
  test: (value) => value instanceof Mlp,
  serialize: (model) => {
    const weights = model.weights();
    const numbers = new Float64Array(2 + weights.length);
    numbers.set([model.inputs, model.hidden]);
    numbers.set(weights, 2);
    return new Uint8Array(numbers.buffer);
  },
  deserialize: (data) => {
    const numbers = new Float64Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    return Mlp.fromWeights(numbers[0]!, numbers[1]!, numbers.subarray(2));
  },
};

/**
 * Logs `model` as the `best_model` column of run `trackId` (one more row of that run, with the
 * run's params), its bytes stored once in the database's asset store. SQLite only: the default
 * asset store is a table of the tracker's SQLite file. `gitRoot` stamps the row as the sweep's are.
 * Returns the asset's hash.
 */
export async function logBestModel(dbPath: string, trackId: string, params: Record<string, string | number>, model: Mlp, gitRoot?: string): Promise<string> {
  const assets = assetStore({ path: dbPath, serializers: [mlpSerializer] });
  try {
    const tracker = await Tracker.open(dbPath, { trackId, params, assets, ...(gitRoot !== undefined ? { gitRoot } : {}) });
    try {
      const row = await tracker.log({ best_model: model });
      return String(row.best_model);
    } finally {
      await tracker.close();
    }
  } finally {
    await assets.close();
  }
}
