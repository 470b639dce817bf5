import { packageBuild } from '../../tsup.config.base';

// The sampler runs in a worker thread: it is its own entry, loaded by URL next to index.js.
export default packageBuild(['src/index.ts', 'src/sampler-worker.ts']);
