/** `@xetrack/core/engine`: what an engine author needs, and nothing of the Tracker. */
export * from './engine/contract.js';
export { XetrackError, isXetrackError, type XetrackErrorCode } from './errors.js';
export { removeOnExit, sweepStale, tempName } from './export/temp-files.js';
