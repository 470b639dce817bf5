// examples/assets.ts
import { Tracker } from '@xetrack/core';
import type { KeyvAssetStore } from '@xetrack/assets';

const tracker = await Tracker.open('assets.db', { assets: true }); // assets live in assets.db too
const weights = new Float32Array([0.1, 0.2, 0.3]);
await tracker.log({ epoch: 1, weights }); // the row holds the asset's hash (16 hex characters)
await tracker.log({ epoch: 2, weights }); // same content: stored once, referenced twice
const [row] = await tracker.toRows();
console.log(row?.weights, await tracker.assets?.get(String(row?.weights))); // hash, Float32Array
const assets = tracker.assets as KeyvAssetStore;
console.log((await assets.list()).map((a) => `${a.hash} count ${a.count} in ${a.columns.join()}`));
await tracker.close();
