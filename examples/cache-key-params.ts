// examples/cache-key-params.ts
import { Tracker } from '@xetrack/core';

let temperature = 0; // read from outer scope, not passed as an argument
async function generate(prompt: string) {
  return `${prompt} (temperature ${temperature})`; // imagine a slow LLM call
}
for (const t of [0, 0.7]) {
  temperature = t;
  const tracker = await Tracker.open('sweep.db', { cache: '.xetrack-cache', params: { temperature: t }, cacheKeyParams: true });
  console.log(await tracker.track(generate, { args: ['hello'] })); // without cacheKeyParams: 0.7 gets 0's answer
  await tracker.close();
}
