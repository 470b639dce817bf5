// examples/cache.ts
import { Tracker } from '@xetrack/core';

const tracker = await Tracker.open('cached.db', { cache: '.xetrack-cache' });
async function embed(text: string, dims: number) {
  return { tokens: text.split(' ').length, dims }; // imagine a slow model call
}
await tracker.track(embed, { args: ['hello world', 384] }); // computed: cache = ''
await tracker.track(embed, { args: ['hello world', 384] }); // not run: answered from the cache
await tracker.track(embed, { args: ['hello world', 768] }); // other args: computed
const rows = await tracker.toRows();
console.log(rows.map((r) => (r.cache === '' ? 'computed' : `hit from ${r.cache === tracker.trackId ? 'this run' : r.cache}`)));
await tracker.close();
