// examples/assets-keyv-sqlite.ts
import KeyvSqlite from '@keyv/sqlite';
import { Tracker } from '@xetrack/core';
import { assetStore } from '@xetrack/assets';

// @keyv/sqlite brings its own SQLite (the sqlite3 package): give it a file of its own
const blobs = new KeyvSqlite({ uri: 'sqlite://blobs.db', table: 'assets' });
const assets = assetStore({ store: blobs });
const tracker = await Tracker.open('runs.db', { assets });
const row = await tracker.log({ weights: new Float32Array([0.5, 0.25]) });
console.log(row.weights, await assets.get(String(row.weights)));
await tracker.close();
await assets.close();
await blobs.disconnect(); // a store you pass in is yours to close
