// examples/compare.ts
import { compare, diffRuns, Reader, Tracker } from '@xetrack/core';

// two runs of a benchmark: 20 latency samples each, the second about 30% slower
for (const [trackId, slowdown] of [['main-run', 1], ['pr-run', 1.3]] as const) {
  const tracker = await Tracker.open('bench.db', { trackId, params: { bench: 'parse' } });
  await tracker.logBatch(Array.from({ length: 20 }, (_, i) => ({ latency_ms: (10 + (i % 5) * 0.1) * slowdown })));
  await tracker.close();
}

const reader = await Reader.open('bench.db');
const result = await compare(reader, {
  baseline: 'run:main-run',
  candidate: 'latest',
  metrics: ['latency_ms:lower:5%:samples'], // lower is better, 5% tolerance, every row a sample
});
const [latency] = result.groups[0]!.metrics;
console.log(result.verdict, latency!.method, latency!.test!.pValue < 0.05, latency!.delta!.relative!.toFixed(2));
console.log((await diffRuns(reader, ['main-run', 'pr-run'])).rows.map((r) => r.column));
await reader.close();
