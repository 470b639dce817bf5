import type { Engine } from '@xetrack/core';

/**
 * Copies the asset store between two SQLite files, when the source has one. The source's asset
 * table is only read: a source without one is left untouched.
 */
export async function copyAssets(source: Engine, target: Engine, sourcePath: string, targetPath: string): Promise<number> {
  if (source.name !== 'sqlite' || target.name !== 'sqlite' || !source.sql) return 0;
  const found = await source.sql(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'xetrack_assets'`);
  if (found.length === 0) return 0;
  const { importOptional } = await import('@xetrack/core');
  const mod = await importOptional('@xetrack/assets', 'Copying assets (--no-assets skips them)');
  type Store = { copyFrom(other: Store): Promise<number>; attach(context: { engine: Engine; table: string }): void; close(): Promise<void> };
  const open = mod.assetStore as (options: { path: string; warnings: boolean }) => Store;
  const from = open({ path: sourcePath, warnings: false });
  const to = open({ path: targetPath, warnings: false });
  // through the connections this command already holds: one SQLite build per file per process
  from.attach({ engine: source, table: 'default' });
  to.attach({ engine: target, table: 'default' });
  try {
    return await to.copyFrom(from);
  } finally {
    await from.close();
    await to.close();
  }
}
