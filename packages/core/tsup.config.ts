import { packageBuild } from '../../tsup.config.base';

// Splitting: the entry points share their modules' chunks, so `@xetrack/core/reader` loads only what
// reading needs, and every entry exports the same classes (one `Reader`, one `XetrackError`).
export default packageBuild({ index: 'src/index.ts', engine: 'src/engine.ts', reader: 'src/reader-entry.ts' }, { splitting: true });
