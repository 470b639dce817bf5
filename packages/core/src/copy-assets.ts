import type { Engine } from './engine/contract.js';
import { importOptional } from './optional-import.js';

/**
 * Copies the asset store (`@xetrack/assets`, loaded only when the source has assets) between two
 * SQLite files; 0 for other engines. The source's asset table is only read: a source without one
 * is left untouched.
 */
export async function copyAssets(source: Engine, target: Engine): Promise<number> {
  if (source.name !== 'sqlite' || target.name !== 'sqlite' || !source.sql) return 0;
  const found = await source.sql(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'xetrack_assets'`);
  if (found.length === 0) return 0;
  const mod = await importOptional('@xetrack/assets', 'Copying assets (assets: false, or xt --no-assets, skips them)');
  type Store = { copyFrom(other: Store): Promise<number>; attach(context: { engine: Engine; table: string }): void; close(): Promise<void> };
  const open = mod.assetStore as (options: { path: string; warnings: boolean }) => Store;
  const from = open({ path: source.location, warnings: false });
  const to = open({ path: target.location, warnings: false });
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
