// examples/skill-cached-eval.ts
import { Reader, Tracker } from '@xetrack/core';

// A cached evaluation: each (model, question) is scored once; a rerun is answered from the cache,
// and each answered row names the run that computed the result (the `cache` column: lineage).
async function score(model: string, question: string) {
  return { correct: question.length % 2 === 0, tokens: question.split(' ').length }; // imagine a slow LLM call
}
const questions = ['what is 2 + 2', 'name a prime', 'the capital of France'];
for (const attempt of ['first', 'rerun']) {
  // `attempt` only labels the run (score() never reads it): cacheKeyParams: false says so and keeps it out of the key
  const tracker = await Tracker.open('eval.db', { cache: '.xetrack-cache', params: { attempt }, cacheKeyParams: false });
  // everything score() depends on is an argument, so it is in the key; bump `version` when score() changes
  for (const question of questions) await tracker.track(score, { args: ['mlp', question], version: '1' });
  const rows = await tracker.toRows();
  console.log(attempt, rows.map((r) => (r.cache === '' ? 'computed' : 'hit')).join(' '));
  await tracker.close();
}

const reader = await Reader.open('eval.db');
const [first] = await reader.runs(); // oldest first
console.log(await reader.count({ where: { attempt: 'rerun', cache: first!.track_id } }), 'rerun rows hold results the first run computed');
console.log(await reader.toRows({ where: { attempt: 'rerun' }, columns: ['function_name', 'args', 'correct', 'function_time'], limit: 1 }));
await reader.close();
