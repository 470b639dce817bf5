import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sqliteEngine from '@xetrack/engine-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDatabase } from './support/databases.js';
import { startLocalRegistry } from './support/local-registry.js';
import { parseMarkdown } from './support/markdown-table.js';
import { APP_DIR, ROOT_DIR } from './support/paths.js';
import { tarEntries } from './support/tar-entries.js';

/** The packages a user of `xt` installs: the CLI and what it depends on (yargs is bundled). */
const PACKAGES = ['packages/core', 'packages/engine-sqlite', 'apps/xt'];
/** Installing may have to compile better-sqlite3 (2-3 minutes) when the store has no build of it yet. */
const INSTALL_TIMEOUT = 600_000;

/**
 * The environment of a user's shell: without the variables `pnpm run` and pnpm's shims set for
 * this workspace, so neither pnpm nor Node finds the workspace's packages from the temporary
 * project. The pnpm store stays the default one, so packages (and better-sqlite3's native build,
 * from pnpm's side-effects cache) are reused.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // NODE_PATH: pnpm's bin shims (vitest's too) point it at the workspace's hoisted packages
    if (/^(npm_|PNPM_SCRIPT|INIT_CWD$|NODE_PATH$|NO_COLOR$|FORCE_COLOR$|XT_)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, npm_config_nodedir: '/usr', CI: 'true', ...extra };
}

function run(command: string, args: string[], cwd: string, env = userEnv()): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: INSTALL_TIMEOUT });
  if (result.error) throw result.error;
  return result;
}

/** Like `run`, but without blocking this process's event loop (the local registry answers from it). */
function runAsync(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, timeout: INSTALL_TIMEOUT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

function expectOk(result: SpawnSyncReturns<string>, what: string): void {
  expect(result.status, `${what}\n${result.stdout}\n${result.stderr}`).toBe(0);
}

describe('the packed CLI, installed as a user would', () => {
  let work: string;
  const tarballs: Record<string, string> = {};
  let db: string;
  let expectedRows: number;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'xt-pack-'));
    const packDir = path.join(work, 'tarballs');
    mkdirSync(packDir);
    for (const pkg of PACKAGES) {
      const { name } = JSON.parse(readFileSync(path.join(ROOT_DIR, pkg, 'package.json'), 'utf8')) as { name: string };
      const before = new Set(readdirSync(packDir));
      expectOk(run('pnpm', ['pack', '--pack-destination', packDir], path.join(ROOT_DIR, pkg)), `pnpm pack ${pkg}`);
      const made = readdirSync(packDir).filter((f) => !before.has(f) && f.endsWith('.tgz'));
      expect(made, `one tarball for ${pkg}`).toHaveLength(1);
      tarballs[name] = path.join(packDir, made[0]!);
    }
    db = await writeDatabase(sqliteEngine, work, 'track.db');
    expectedRows = 5;
  }, INSTALL_TIMEOUT);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the bin with a shebang, the bundled licences and no sources or tests', () => {
    const entries = tarEntries(tarballs['@xetrack/cli']!);
    const manifest = JSON.parse(entries.get('package/package.json')!.toString('utf8')) as Record<string, any>;
    expect(manifest.bin).toEqual({ xt: './dist/cli.js' });
    expect(manifest.dependencies).toEqual({ '@xetrack/core': expect.stringMatching(/^\^\d/), '@xetrack/engine-sqlite': expect.stringMatching(/^\^\d/) });
    expect(entries.get('package/dist/cli.js')!.toString('utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(entries.get('package/dist/THIRD_PARTY_LICENSES.md')!.toString('utf8')).toContain('## yargs@18.2.0 (MIT)');
    expect(entries.has('package/README.md')).toBe(true);
    expect([...entries.keys()].filter((e) => /^package\/(src|test|bench)\//.test(e))).toEqual([]);
  });

  it('installs from the tarballs into an empty project, and node_modules/.bin/xt reads a database', () => {
    const project = path.join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'xt-user', version: '1.0.0', private: true, dependencies: { '@xetrack/cli': `file:${tarballs['@xetrack/cli']}` } }, null, 2),
    );
    // The @xetrack packages are not published: overrides point their ranges at the tarballs.
    writeFileSync(
      path.join(project, 'pnpm-workspace.yaml'),
      [
        'overrides:',
        `  "@xetrack/core": "file:${tarballs['@xetrack/core']}"`,
        `  "@xetrack/engine-sqlite": "file:${tarballs['@xetrack/engine-sqlite']}"`,
        'allowBuilds:',
        '  better-sqlite3: true',
        '',
      ].join('\n'),
    );
    const started = Date.now();
    expectOk(run('pnpm', ['install', '--prefer-offline'], project), 'pnpm install');
    const installSeconds = (Date.now() - started) / 1000;
    const installed = JSON.parse(readFileSync(path.join(project, 'node_modules/@xetrack/cli/package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(JSON.parse(readFileSync(path.join(APP_DIR, 'package.json'), 'utf8')).version);
    expect(readdirSync(path.join(project, 'node_modules/.pnpm')).some((d) => d.startsWith('yargs'))).toBe(false);

    const head = run(path.join(project, 'node_modules/.bin/xt'), ['head', db], project);
    expectOk(head, 'xt head');
    const table = parseMarkdown(head.stdout);
    expect(table.header.slice(0, 2)).toEqual(['track_id', 'timestamp']);
    expect(table.rows).toHaveLength(expectedRows);
    // DuckDB is optional and not installed here: one line saying how to add it
    const duckdb = run(path.join(project, 'node_modules/.bin/xt'), ['head', db, '--engine', 'duckdb'], project);
    expect(duckdb.status).toBe(1);
    expect(duckdb.stderr).toBe('xt: The duckdb engine needs @xetrack/engine-duckdb, which is not installed: add it with `pnpm add @xetrack/engine-duckdb` (or npm install @xetrack/engine-duckdb).\n');
    process.stdout.write(`[packaging] pnpm install of the packed CLI took ${installSeconds.toFixed(1)} s\n`);
  }, INSTALL_TIMEOUT);

  it('installs and runs as the README says (pnpm add, pnpm xt, pnpm dlx), the packages served by a registry', async () => {
    // pnpm dlx resolves the CLI's dependencies (@xetrack/core@^0.1.0 …) from a registry and takes
    // no overrides, so unpublished tarballs alone cannot work. A registry on 127.0.0.1 serving just
    // the @xetrack scope makes these the real commands; every other package comes from the usual one.
    const install = /## Install\n\n```sh\n([\s\S]*?)```/.exec(readFileSync(path.join(APP_DIR, 'README.md'), 'utf8'))![1]!.trim().split('\n');
    expect(install).toEqual([
      'pnpm add -D --allow-build=better-sqlite3 @xetrack/cli',
      'pnpm xt head track.db',
      'pnpm dlx --allow-build=better-sqlite3 @xetrack/cli head track.db',
    ]);
    const registry = await startLocalRegistry(Object.values(tarballs));
    try {
      const project = path.join(work, 'readme-project');
      mkdirSync(project);
      writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'readme-user', version: '1.0.0', private: true }));
      writeFileSync(path.join(project, '.npmrc'), `@xetrack:registry=${registry.url}\n`);
      copyFileSync(db, path.join(project, 'track.db'));
      // a fresh metadata and dlx cache: pnpm caches dlx installs by package name, and every build is 0.1.0
      const env = userEnv({ XDG_CACHE_HOME: path.join(work, 'cache') });
      for (const line of install) {
        const [command, ...args] = line.split(' ');
        const started = Date.now();
        const result = await runAsync(command!, args, project, env);
        expect(result.status, `${line}\n${result.stdout}\n${result.stderr}`).toBe(0);
        if (args[0] !== 'add') {
          const table = result.stdout.slice(result.stdout.indexOf('| track_id'));
          expect(parseMarkdown(table.slice(0, table.lastIndexOf('|') + 1)).rows, line).toHaveLength(expectedRows);
        }
        process.stdout.write(`[packaging] ${line}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      }
    } finally {
      await registry.close();
    }
  }, INSTALL_TIMEOUT);
});
