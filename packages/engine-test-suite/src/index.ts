export * from './tracker-suite.js';
export * from './engine-suite.js';
export { defineGroup, registerGroups, type ConformanceOptions, type SkippedGroup, type SuiteGroup } from './suite-groups.js';
export * from './memory.js';
