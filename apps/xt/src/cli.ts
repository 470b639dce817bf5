#!/usr/bin/env node
/** The `xt` binary: the real process's arguments, streams and engines. */
import { VERSION } from './version.js';

// `xt head db | head -1`: the reader went away, which is not an error of xt's.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  // Answered before the parser (yargs) and the command specs load: they are most of xt's start-up.
  process.stdout.write(`${VERSION}\n`);
} else {
  const [{ createContext }, { runCli }] = await Promise.all([import('./context.js'), import('./run-cli.js')]);
  process.exitCode = await runCli(argv, createContext());
}
