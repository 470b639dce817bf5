import type { Engine } from './engine/contract.js';
import { loadAssets } from './optional-packages.js';

/**
 * Copies the asset store (`@xetrack/assets`, loaded only when the source has assets) between two
 * SQLite files; 0 for other engines. The source's asset table is only read: a source without one
 * is left untouched.
 */
export async function copyAssets(source: Engine, target: Engine): Promise<number> {
  if (source.name !== 'sqlite' || target.name !== 'sqlite' || !source.sql) return 0;
  const found = await source.sql(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'xetrack_assets'`);
  if (found.length === 0) return 0;
  const assets = await loadAssets('Copying assets (assets: false, or xt --no-assets, skips them)');
  const from = assets.assetStore({ path: source.location, warnings: false });
  const to = assets.assetStore({ path: target.location, warnings: false });
  // through the connections already held: one SQLite build per file per process
  from.attach({ engine: source, table: 'default' });
  to.attach({ engine: target, table: 'default' });
  try {
    return await to.copyFrom(from);
  } finally {
    await from.close();
    await to.close();
  }
}
