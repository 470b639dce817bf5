/**
 * yargs, re-exported so the build gives it a file of its own (`dist/yargs.js`, see tsup.config.ts):
 * it is loaded only for `--help` and the lines `simpleArgs` leaves to it.
 */
export { default } from 'yargs';
