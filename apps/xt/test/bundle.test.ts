import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Tracker } from '@xetrack/core';
import { sqliteEngine } from '@xetrack/engine-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './support/paths.js';
import { runXt } from './support/run-xt.js';

let dir: string;
let db: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'xt-bundle-'));
  db = path.join(dir, 'track.db');
  const tracker = await Tracker.open(db, { engine: sqliteEngine, warnings: false });
  await tracker.logBatch([{ acc: 0.5 }, { acc: 0.75 }]);
  await tracker.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The files of xt's dist/ that `xt ARGS` loads, in load order: an ES module loader hook (run by
 * `node --import`) appends each file URL it is asked to load to a list.
 */
function distFilesLoaded(args: readonly string[]): { files: string[]; status: number | null; stderr: string } {
  const list = path.join(dir, `loaded-${args[0]}.txt`);
  rmSync(list, { force: true });
  const hooks = path.join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(list)}, url + '\\n');
  return next(url, context);
}`,
  );
  const register = path.join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, CLI, ...args], { encoding: 'utf8' });
  const distUrl = pathToFileURL(path.dirname(CLI)).href;
  const files = readFileSync(list, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith(`${distUrl}/`))
    .map((url) => url.slice(distUrl.length + 1));
  return { files, status: result.status, stderr: result.stderr };
}

describe('the xt bundle: one file per command', () => {
  it('xt head loads two of its own files, cli.js and the head command, and no yargs', () => {
    const loaded = distFilesLoaded(['head', db, '--n', '1']);
    expect(loaded.stderr).toBe('');
    expect(loaded.status).toBe(0);
    expect(loaded.files).toEqual(['cli.js', 'command-head-tail.js']);
  });

  it('a line simpleArgs leaves to the parser loads yargs from its own file', () => {
    const loaded = distFilesLoaded(['head', db, '-n', '1']);
    expect(loaded.files).toEqual(['cli.js', 'command-head-tail.js', 'yargs.js']);
  });

  it('errors keep their exit codes across files: a usage error from the head command exits 2, a failed xt check 2', () => {
    // UsageError and ExitCodeError are defined again in each command's file: run-cli (in cli.js) must still know them
    const usage = runXt(['head', db, '--n', 'many']);
    expect(usage.stderr).toBe('xt: --n must be a whole number from 0 to 1000000000, not "many". (see xt head --help)\n');
    expect(usage.status).toBe(2);
    const failedCheck = runXt(['check', db, '--table', 'nope', '--baseline', 'track_id=a', '--candidate', 'track_id=b', '--metric', 'acc:higher']);
    expect(failedCheck.stderr).toMatch(/^xt: /);
    expect(failedCheck.status).toBe(2);
  });
});
