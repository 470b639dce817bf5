// examples/bench-gate.ts
import { writeFileSync } from 'node:fs';
import { Bench } from 'tinybench';

// The benchmark a CI job runs: tinybench with its samples kept, results written as JSON for `xt import`.
const data = Array.from({ length: 10_000 }, (_, i) => i % 97);
const bench = new Bench({ iterations: 30, time: 0, retainSamples: true });
bench.add('sum loop', () => {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]!;
  return s;
});
bench.add('sum reduce', () => data.reduce((a, b) => a + b, 0));
await bench.run();
writeFileSync('bench.json', JSON.stringify(bench.tasks.map(({ name, result }) => ({ name, result }))));
console.log(bench.tasks.map((t) => t.name).join(', '), 'written to bench.json');
