export * from './engine/contract.js';
export * from './errors.js';
