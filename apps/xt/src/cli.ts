#!/usr/bin/env node
/** The `xt` binary: the real process's arguments, streams and engines. */
import { createContext } from './context.js';
import { runCli } from './run-cli.js';

// `xt head db | head -1`: the reader went away, which is not an error of xt's.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli(process.argv.slice(2), createContext());
