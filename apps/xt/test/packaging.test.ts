import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sqliteEngine from '@xetrack/engine-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDatabase } from './support/databases.js';
import { startLocalRegistry } from './support/local-registry.js';
import { parseMarkdown } from './support/markdown-table.js';
import { APP_DIR, ROOT_DIR } from './support/paths.js';
import { tarEntries } from './support/tar-entries.js';

/** Installing may have to compile better-sqlite3 (2-3 minutes; over 10 on a busy machine) when no build of it is cached. */
const INSTALL_TIMEOUT = 1_800_000;

/** Every package of the repository and whether it is private (not published). */
function workspacePackages(): { name: string; private: boolean }[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(path.join(ROOT_DIR, group))
      .filter((dir) => existsSync(path.join(ROOT_DIR, group, dir, 'package.json')))
      .map((dir) => JSON.parse(readFileSync(path.join(ROOT_DIR, group, dir, 'package.json'), 'utf8')) as { name: string; private?: boolean })
      .map((p) => ({ name: p.name, private: p.private === true })),
  );
}

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

/** What a library user installs in the tests below, and the tools to compile the README examples. */
const LIBRARY = ['@xetrack/core', '@xetrack/engine-sqlite', '@xetrack/cache', '@xetrack/sysmon', '@xetrack/git'];
const ROOT_DEV = (JSON.parse(readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
const TOOLS = [`typescript@${ROOT_DEV.typescript}`, `@types/node@${ROOT_DEV['@types/node']}`];
/** A scope registry nothing listens on: any @xetrack package fetched from a registry fails the install. */
const NO_XETRACK_REGISTRY = '@xetrack:registry=http://127.0.0.1:9/\n';

/** The README examples (every one is a file under examples/) that use only LIBRARY and Node. */
function libraryExamples(): { file: string; text: string }[] {
  const dir = path.join(ROOT_DIR, 'examples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((file) => ({ file, text: readFileSync(path.join(dir, file), 'utf8') }))
    .filter(({ text }) => [...text.matchAll(/from '([^']+)'/g)].every(([, spec]) => spec!.startsWith('node:') || LIBRARY.includes(spec!)));
}

/** Opens a tracker (loading the SQLite engine and its addon), logs a row and prints `loss + 1`. */
const OPEN_AND_LOG = "import { Tracker } from '@xetrack/core';\nconst t = await Tracker.open('x.db');\nconsole.log((await t.log({ loss: 0.5 })).loss + 1);\nawait t.close();\n";

/** A short program using what the README shows: typed rows, a cache with lineage, the system monitor. */
const USER_PROGRAM = `
import { Reader, Tracker } from '@xetrack/core';
import { systemMonitor } from '@xetrack/sysmon';

const monitor = systemMonitor({ interval: 50 });
const tracker = await Tracker.open('user.db', { cache: 'cache-dir', monitor, params: { temperature: 0.7 }, cacheKeyParams: true });
const row = await tracker.log({ loss: 0.5 });
function square(x) { return x * x; }
const computed = await tracker.track(square, { args: [4] });
const cpu = tracker.latest;
const hit = await tracker.track(square, { args: [4] });
await tracker.close();
await monitor.close();
const reader = await Reader.open('user.db');
const rows = await reader.toRows();
await reader.close();
console.log(JSON.stringify({
  loss: row.loss + 1, computed, hit, lineage: rows[2].cache === tracker.trackId, names: rows.map((r) => r.function_name),
  machineCpu: cpu.cpu_percent >= 0 && cpu.cpu_percent <= 100, processCpu: typeof cpu.p_cpu_percent,
}));
`;
const USER_OUTPUT = { loss: 1.5, computed: 16, hit: 16, lineage: true, names: [null, 'square', 'square'], machineCpu: true, processCpu: 'number' };

/** A library user's project: the README examples compiled with tsc --strict, and USER_PROGRAM run. */
function checkLibraryProject(project: string): void {
  const examples = libraryExamples();
  expect(examples.map((e) => e.file)).toEqual(expect.arrayContaining(['quickstart.ts', 'typed-rows.ts', 'track-functions.ts', 'cache-key-params.ts', 'system-monitor.ts']));
  mkdirSync(path.join(project, 'examples'));
  for (const { file, text } of examples) {
    // no casts: the types follow the data
    expect(text.replace(/\/\/.*$/gm, ''), file).not.toMatch(/\bas (?!const\b)[A-Za-z{[(]/);
    writeFileSync(path.join(project, 'examples', file), text);
  }
  writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], noEmit: true },
      include: ['examples/*.ts'],
    }),
  );
  expectOk(run(path.join(project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--strict'], project), 'tsc --strict on the README examples');
  writeFileSync(path.join(project, 'program.mjs'), USER_PROGRAM);
  const program = run(process.execPath, ['program.mjs'], project);
  expectOk(program, 'node program.mjs');
  expect(JSON.parse(program.stdout)).toEqual(USER_OUTPUT);
}

describe('the packed CLI, installed as a user would', () => {
  let work: string;
  const tarballs: Record<string, string> = {};
  let db: string;
  let expectedRows: number;

  let overrides: Record<string, string>;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'xt-pack-'));
    const packDir = path.join(work, 'tarballs');
    // what a maintainer runs (docs/install.md): every published package, with an overrides map
    expectOk(run('bash', [path.join(ROOT_DIR, 'scripts/pack.sh'), packDir], ROOT_DIR), 'scripts/pack.sh');
    overrides = JSON.parse(readFileSync(path.join(packDir, 'overrides.json'), 'utf8')) as Record<string, string>;
    for (const [name, spec] of Object.entries(overrides)) tarballs[name] = spec.replace(/^file:/, '');
    db = await writeDatabase(sqliteEngine, work, 'track.db');
    expectedRows = 5;
  }, INSTALL_TIMEOUT);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('scripts/pack.sh packs every published package and no private one', () => {
    const packages = workspacePackages();
    expect(Object.keys(overrides).sort()).toEqual(
      packages
        .filter((p) => !p.private)
        .map((p) => p.name)
        .sort(),
    );
    expect(packages.filter((p) => p.private).map((p) => p.name)).toEqual(expect.arrayContaining(['@xetrack/bench', '@xetrack/demo']));
    const files = readdirSync(path.dirname(tarballs['@xetrack/core']!)).filter((f) => f.endsWith('.tgz'));
    expect(files).toHaveLength(Object.keys(overrides).length);
    for (const file of Object.values(tarballs)) {
      // workspace: ranges are rewritten to the packed versions, as `pnpm publish` does
      const manifest = tarEntries(file).get('package/package.json')!.toString('utf8');
      expect(manifest).not.toContain('workspace:');
    }
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

  it(
    'installs from the tarballs into an empty project, and node_modules/.bin/xt reads a database',
    () => {
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
      expect(duckdb.stderr).toBe(
        'xt: The duckdb engine needs @xetrack/engine-duckdb, which is not installed: add it with `pnpm add @xetrack/engine-duckdb` (or npm install @xetrack/engine-duckdb).\n',
      );
      process.stdout.write(`[packaging] pnpm install of the packed CLI took ${installSeconds.toFixed(1)} s\n`);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'installs and runs as the README says (pnpm add, pnpm xt, pnpm dlx), the packages served by a registry',
    async () => {
      // pnpm dlx resolves the CLI's dependencies (@xetrack/core@^0.1.0 …) from a registry and takes
      // no overrides, so unpublished tarballs alone cannot work. A registry on 127.0.0.1 serving just
      // the @xetrack scope makes these the real commands; every other package comes from the usual one.
      const install = /## Install\n\n```sh\n([\s\S]*?)```/
        .exec(readFileSync(path.join(APP_DIR, 'README.md'), 'utf8'))![1]!
        .trim()
        .split('\n');
      expect(install).toEqual(['pnpm add -D --allow-build=better-sqlite3 @xetrack/cli', 'pnpm xt head track.db', 'pnpm dlx --allow-build=better-sqlite3 @xetrack/cli head track.db']);
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

        // the root README's line for a library user, as written (pnpm 10+ needs --allow-build for the addon)
        const line = /`(pnpm add --allow-build=better-sqlite3 @xetrack\/core @xetrack\/engine-sqlite)`/.exec(readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8'))![1]!;
        const library = path.join(work, 'readme-library');
        mkdirSync(library);
        writeFileSync(path.join(library, 'package.json'), JSON.stringify({ name: 'readme-library', version: '1.0.0', private: true, type: 'module' }));
        writeFileSync(path.join(library, '.npmrc'), `@xetrack:registry=${registry.url}\n`);
        const [command, ...args] = line.split(' ');
        const added = await runAsync(command!, args, library, env);
        expect(added.status, `${line}\n${added.stdout}\n${added.stderr}`).toBe(0);
        writeFileSync(path.join(library, 'open.mjs'), OPEN_AND_LOG);
        const opened = await runAsync(process.execPath, ['open.mjs'], library, env);
        expect(opened.status, opened.stderr).toBe(0);
        expect(opened.stdout).toBe('1.5\n');
      } finally {
        await registry.close();
      }
    },
    INSTALL_TIMEOUT,
  );

  it(
    'a library user installs the tarballs with pnpm (README in docs/install.md): nothing @xetrack from a registry; examples compile, a program runs',
    () => {
      const project = path.join(work, 'pnpm-library');
      mkdirSync(project);
      writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'pnpm-user', version: '1.0.0', private: true, type: 'module' }));
      writeFileSync(path.join(project, '.npmrc'), NO_XETRACK_REGISTRY);
      // the overrides pack.sh wrote, in pnpm-workspace.yaml: the packages' own @xetrack ranges resolve to the tarballs
      writeFileSync(
        path.join(project, 'pnpm-workspace.yaml'),
        `overrides:\n${Object.entries(overrides)
          .map(([name, spec]) => `  "${name}": "${spec}"`)
          .join('\n')}\n`,
      );
      const add = run('pnpm', ['add', '--allow-build=better-sqlite3', ...LIBRARY.map((name) => tarballs[name]!), ...TOOLS], project);
      expectOk(add, 'pnpm add --allow-build=better-sqlite3 <tarballs>');
      const xetrack = readdirSync(path.join(project, 'node_modules/.pnpm')).filter((d) => d.startsWith('@xetrack+'));
      expect(xetrack.length).toBeGreaterThanOrEqual(LIBRARY.length);
      for (const dir of xetrack) expect(dir, 'every @xetrack package comes from a tarball').toContain('@file+');
      expect(readFileSync(path.join(project, 'pnpm-workspace.yaml'), 'utf8')).toMatch(/allowBuilds:\n\s+better-sqlite3: true/);
      checkLibraryProject(project);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'a library user installs the tarballs with npm (overrides in package.json): nothing @xetrack from a registry; examples compile, a program runs',
    () => {
      const project = path.join(work, 'npm-library');
      mkdirSync(project);
      // docs/install.md: the tarballs as dependencies, overrides.json as written under "overrides"
      const dependencies = Object.fromEntries(LIBRARY.map((name) => [name, overrides[name]!]));
      const devDependencies = Object.fromEntries(TOOLS.map((tool) => [tool.slice(0, tool.lastIndexOf('@')), tool.slice(tool.lastIndexOf('@') + 1)]));
      writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'npm-user', version: '1.0.0', private: true, type: 'module', dependencies, devDependencies, overrides }, null, 2));
      writeFileSync(path.join(project, '.npmrc'), NO_XETRACK_REGISTRY);
      expectOk(run('npm', ['install', '--no-audit', '--no-fund'], project), 'npm install');
      const lock = JSON.parse(readFileSync(path.join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> };
      const xetrack = Object.entries(lock.packages).filter(([where]) => where.includes('node_modules/@xetrack/'));
      expect(xetrack.map(([where]) => where).sort()).toEqual(LIBRARY.map((name) => `node_modules/${name}`).sort()); // one copy each
      for (const [where, entry] of xetrack) expect(entry.resolved, where).toMatch(/^file:/);
      checkLibraryProject(project);
    },
    INSTALL_TIMEOUT,
  );

  it(
    "installed without allowing better-sqlite3's build, the first open is one error saying how to build it; doing so works",
    () => {
      const project = path.join(work, 'pnpm-unbuilt');
      mkdirSync(project);
      writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'unbuilt-user', version: '1.0.0', private: true, type: 'module' }));
      writeFileSync(path.join(project, '.npmrc'), NO_XETRACK_REGISTRY);
      writeFileSync(path.join(project, 'pnpm-workspace.yaml'), `overrides:\n  "@xetrack/core": "${overrides['@xetrack/core']}"\n`);
      const add = run('pnpm', ['add', tarballs['@xetrack/core']!, tarballs['@xetrack/engine-sqlite']!], project);
      expect(add.status, add.stdout + add.stderr).not.toBe(0); // pnpm 10+: ERR_PNPM_IGNORED_BUILDS, the packages linked all the same
      expect(add.stdout + add.stderr).toContain('better-sqlite3');
      writeFileSync(path.join(project, 'open.mjs'), OPEN_AND_LOG);
      const unbuilt = run(process.execPath, ['open.mjs'], project);
      expect(unbuilt.status).toBe(1);
      expect(unbuilt.stderr).toContain("XetrackError: sqlite: better-sqlite3's native addon is not built");
      expect(unbuilt.stderr).toContain('pnpm approve-builds better-sqlite3');
      expect(unbuilt.stderr).not.toContain('ENGINE_FAILURE');
      // the advice, followed
      expectOk(run('pnpm', ['approve-builds', 'better-sqlite3'], project), 'pnpm approve-builds better-sqlite3');
      const built = run(process.execPath, ['open.mjs'], project);
      expectOk(built, 'node open.mjs after approve-builds');
      expect(built.stdout).toBe('1.5\n');
    },
    INSTALL_TIMEOUT,
  );
});
