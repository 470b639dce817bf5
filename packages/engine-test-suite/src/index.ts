export * from './tracker-suite.js';
export * from './engine-suite.js';
