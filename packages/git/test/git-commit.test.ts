import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Reader, Tracker } from '@xetrack/core';
import { findRepository, gitCommitHash, gitCommitTags } from '../src/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'xt-git-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

/** The git CLI, isolated from the machine's and user's config. */
function gitCli(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  }).trim();
}

const author = { name: 'Test', email: 'test@example.com' };

/** A repository made with isomorphic-git: `commits` commits on main; returns their ids, oldest first. */
async function isoRepo(dir: string, commits = 1): Promise<string[]> {
  await git.init({ fs, dir, defaultBranch: 'main' });
  const oids: string[] = [];
  for (let i = 0; i < commits; i++) {
    writeFileSync(path.join(dir, 'file.txt'), `version ${i}\n`);
    await git.add({ fs, dir, filepath: 'file.txt' });
    oids.push(await git.commit({ fs, dir, message: `commit ${i}`, author }));
  }
  return oids;
}

/** A repository made with the git CLI: `commits` commits on main; returns their ids, oldest first. */
function cliRepo(dir: string, commits = 1): string[] {
  gitCli(dir, 'init', '-q', '-b', 'main');
  const oids: string[] = [];
  for (let i = 0; i < commits; i++) {
    writeFileSync(path.join(dir, 'file.txt'), `version ${i}\n`);
    gitCli(dir, 'add', 'file.txt');
    gitCli(dir, 'commit', '-q', '-m', `commit ${i}`);
    oids.push(gitCli(dir, 'rev-parse', 'HEAD'));
  }
  return oids;
}

describe('gitCommitHash', () => {
  it('returns the HEAD commit of a repository made with isomorphic-git, from its root and from a subdirectory', async () => {
    const dir = tempDir();
    const [, second] = await isoRepo(dir, 2);
    expect(second).toMatch(/^[0-9a-f]{40}$/);
    expect(await gitCommitHash(dir)).toBe(second);
    const nested = path.join(dir, 'src', 'deep');
    mkdirSync(nested, { recursive: true });
    expect(await gitCommitHash(nested)).toBe(second);
    expect(await gitCommitHash(path.join(dir, 'file.txt'))).toBe(second); // a file inside the tree
  });

  it('agrees with `git rev-parse HEAD` once refs are packed (no loose ref file left)', async () => {
    const dir = tempDir();
    const [, head] = cliRepo(dir, 2);
    gitCli(dir, 'pack-refs', '--all');
    expect(existsSync(path.join(dir, '.git', 'refs', 'heads', 'main'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, '.git', 'packed-refs'), 'utf8')).toContain(`${head} refs/heads/main`);
    expect(await gitCommitHash(dir)).toBe(head);
  });

  it('reads the worktree’s own HEAD in a linked worktree (gitdir file + commondir), loose and packed', async () => {
    const base = tempDir();
    const main = path.join(base, 'main');
    mkdirSync(main);
    const [mainHead] = cliRepo(main, 1);
    const wt = path.join(base, 'wt');
    gitCli(main, 'worktree', 'add', '-q', '-b', 'feature', wt);
    writeFileSync(path.join(wt, 'feature.txt'), 'feature\n');
    gitCli(wt, 'add', 'feature.txt');
    gitCli(wt, 'commit', '-q', '-m', 'feature work');
    const featureHead = gitCli(wt, 'rev-parse', 'HEAD');
    expect(featureHead).not.toBe(mainHead);
    expect(fs.readFileSync(path.join(wt, '.git'), 'utf8')).toMatch(/^gitdir: /); // really a linked worktree

    const repo = await findRepository(wt);
    expect(repo?.gitdir).toBe(path.join(main, '.git', 'worktrees', 'wt'));
    expect(repo?.commondir).toBe(path.join(main, '.git'));
    expect(await gitCommitHash(wt)).toBe(featureHead);
    expect(await gitCommitHash(main)).toBe(mainHead);

    gitCli(main, 'pack-refs', '--all');
    expect(existsSync(path.join(main, '.git', 'refs', 'heads', 'feature'))).toBe(false);
    expect(await gitCommitHash(wt)).toBe(featureHead);
  });

  it('returns the commit of a detached HEAD, in a repository and in a detached worktree', async () => {
    const base = tempDir();
    const main = path.join(base, 'main');
    mkdirSync(main);
    const [first, second] = cliRepo(main, 2);
    const wt = path.join(base, 'detached');
    gitCli(main, 'worktree', 'add', '-q', '--detach', wt, first!);
    expect(await gitCommitHash(wt)).toBe(first);
    gitCli(main, 'checkout', '-q', '--detach', first!);
    expect(await gitCommitHash(main)).toBe(first);
    gitCli(main, 'checkout', '-q', 'main');
    expect(await gitCommitHash(main)).toBe(second);
  });

  it('follows a relative `gitdir:` file (as submodules write) and reads a bare repository', async () => {
    const base = tempDir();
    const source = path.join(base, 'source');
    mkdirSync(source);
    const [head] = cliRepo(source, 1);
    const bare = path.join(base, 'store.git');
    gitCli(base, 'clone', '-q', '--bare', source, bare);
    expect(await gitCommitHash(bare)).toBe(head);

    const work = path.join(base, 'work');
    mkdirSync(work);
    writeFileSync(path.join(work, '.git'), 'gitdir: ../store.git\n');
    expect(await gitCommitHash(work)).toBe(head);
  });

  it('is undefined outside a repository, for a missing path, and before the first commit', async () => {
    const outside = tempDir();
    expect(await findRepository(outside)).toBeUndefined();
    expect(await gitCommitHash(outside)).toBeUndefined();
    expect(await gitCommitHash(path.join(outside, 'no', 'such', 'dir'))).toBeUndefined();
    const unborn = tempDir();
    await git.init({ fs, dir: unborn, defaultBranch: 'main' });
    expect(await findRepository(unborn)).toBeDefined();
    expect(await gitCommitHash(unborn)).toBeUndefined();
  });

  it('ignores a `.git` file that points nowhere, and keeps walking up', async () => {
    const base = tempDir();
    const [head] = await isoRepo(base, 1);
    const inner = path.join(base, 'inner');
    mkdirSync(inner);
    writeFileSync(path.join(inner, '.git'), 'gitdir: /definitely/not/here\n');
    expect(await gitCommitHash(inner)).toBe(head);
  });
});

describe('gitCommitTags', () => {
  it('lists lightweight and annotated tags on HEAD, sorted, like `git tag --points-at HEAD`, loose and packed', async () => {
    const dir = tempDir();
    cliRepo(dir, 2);
    gitCli(dir, 'tag', 'old', 'HEAD~1');
    gitCli(dir, 'tag', 'v2-light');
    gitCli(dir, 'tag', '-a', 'v2-annotated', '-m', 'release');
    gitCli(dir, 'tag', '-a', 'a-nested', '-m', 'tag of a tag', 'v2-annotated');
    const expected = gitCli(dir, 'tag', '--points-at', 'HEAD').split('\n').sort();
    expect(expected).toEqual(['v2-annotated', 'v2-light']); // git does not follow a tag of a tag
    expect(await gitCommitTags(dir)).toEqual(expected);
    gitCli(dir, 'pack-refs', '--all');
    expect(existsSync(path.join(dir, '.git', 'refs', 'tags', 'v2-light'))).toBe(false);
    expect(await gitCommitTags(dir)).toEqual(expected);
  });

  it('is [] without tags on HEAD, outside a repository, and before the first commit', async () => {
    const dir = tempDir();
    cliRepo(dir, 2);
    gitCli(dir, 'tag', 'old', 'HEAD~1');
    expect(await gitCommitTags(dir)).toEqual([]);
    expect(await gitCommitTags(tempDir())).toEqual([]);
    const unborn = tempDir();
    await git.init({ fs, dir: unborn });
    expect(await gitCommitTags(unborn)).toEqual([]);
  });
});

describe('Tracker gitRoot', () => {
  it('stamps every row, logged and tracked, with git_commit_hash', async () => {
    const repo = tempDir();
    const [head] = await isoRepo(repo, 1);
    const db = path.join(tempDir(), 'track.db');
    const tracker = await Tracker.open(db, { gitRoot: repo });
    expect(tracker.params.git_commit_hash).toBe(head);
    await tracker.log({ a: 1 });
    await tracker.track((x: number) => x * 2, { args: [21] });
    await tracker.close();
    const reader = await Reader.open(db);
    const rows = await reader.toRows();
    await reader.close();
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.git_commit_hash)).toEqual([head, head]);
  });

  it('outside a repository: warns clearly, adds no column, and logs as usual', async () => {
    const outside = tempDir();
    const db = path.join(tempDir(), 'track.db');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const tracker = await Tracker.open(db, { gitRoot: outside });
    await tracker.log({ a: 1 });
    const columns = await tracker.columns();
    await tracker.close();
    const warnings = stderr.mock.calls.map((c) => String(c[0])).join('');
    stderr.mockRestore();
    expect(warnings).toContain('is not inside a git repository');
    expect(warnings).toContain(outside);
    expect(columns).not.toContain('git_commit_hash');
    expect(columns).toContain('a');
  });
});
