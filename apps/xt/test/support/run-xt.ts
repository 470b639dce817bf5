import { spawnSync } from 'node:child_process';
import { CLI } from './paths.js';

export interface XtResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `xt` in a child process, as a shell would: without a terminal, with NO_COLOR,
 * FORCE_COLOR, XT_DEBUG and NODE_PATH removed unless `env` sets them.
 */
export function runXt(args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): XtResult {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  delete env.XT_DEBUG;
  delete env.NODE_PATH; // set by pnpm's shims to the workspace's hoisted packages: a user's shell has none
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...env, ...options.env },
    cwd: options.cwd,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
