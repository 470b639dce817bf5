import { benchRows } from '../bench-rows.js';
import { pairSuite } from '../pair-suite.js';
import { removeDatabase, scratchPath } from '../scratch.js';
import type { Suite } from '../suite.js';
import { FIRST_INDEX, type EnginePair, type Workloads } from '../workloads.js';

type WriteKind = 'logSingle' | 'logBurst' | 'logBatch';

/** Measures one write workload of one side on a fresh file, then deletes the file. */
function writeMeasurement(side: Workloads, kind: WriteKind, dir: string, rows: ReturnType<typeof benchRows>) {
  return async () => {
    const path = scratchPath(dir, `${side.label}-${kind}`);
    try {
      return await side[kind](path, rows);
    } finally {
      removeDatabase(path);
    }
  };
}

function writeSuite(pair: EnginePair, kind: WriteKind, spec: Omit<Parameters<typeof pairSuite>[0], 'prepare' | 'unit'>): Suite {
  return pairSuite({
    ...spec,
    unit: 'rows/s',
    prepare(options, size) {
      const rows = benchRows(size, FIRST_INDEX);
      return {
        ours: writeMeasurement(pair.ours, kind, options.tmpDir, rows),
        raw: writeMeasurement(pair.raw, kind, options.tmpDir, rows),
      };
    },
  });
}

/**
 * The three write figures of an engine: one committed row at a time, a burst of un-awaited
 * `log()` calls (group commit), and `logBatch`, each against the driver doing the same by hand.
 */
export function writeSuites(pair: EnginePair): Suite[] {
  return [
    writeSuite(pair, 'logSingle', {
      name: `${pair.engine}.log-single`,
      title: 'await log(row), one at a time',
      baseline: `${pair.raw.label} autocommit single-row INSERT`,
      target: { of: 'ratio', op: '>=', value: 0.8 },
      // large enough that per-call cost is measured at steady state (fixed costs and GC timing
      // dominate a few thousand calls)
      size: { full: 20_000, quick: 200 },
    }),
    writeSuite(pair, 'logBurst', {
      name: `${pair.engine}.log-burst`,
      title: 'log() x N un-awaited, then awaited (group commit)',
      baseline: `${pair.raw.label} one-transaction INSERT of N`,
      target: { of: 'ratio', op: '>=', value: 0.5 },
      size: { full: 10_000, quick: 1_000 },
    }),
    writeSuite(pair, 'logBatch', {
      name: `${pair.engine}.log-batch`,
      title: 'logBatch(rows)',
      baseline: `${pair.raw.label} one-transaction prepared INSERT`,
      target: { of: 'ratio', op: '>=', value: 0.85 },
      size: { full: 100_000, quick: 5_000 },
    }),
  ];
}
