import { packageBuild } from '../../tsup.config.base';

// The sampler runs in a worker thread: it is its own entry, loaded by URL next to index.js.
// columns.ts is the `./columns` export (the column names alone, for @xetrack/ui).
export default packageBuild(['src/index.ts', 'src/sampler-worker.ts', 'src/columns.ts']);
