export * from './tracker-suite.js';
