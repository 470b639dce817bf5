import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Where a repository's files are, as git finds them from a directory inside it. */
export interface GitRepository {
  /** The working tree's top directory (for a bare repository, the git directory itself). */
  root: string;
  /** This working tree's git directory: its `HEAD` (for a linked worktree, `.git/worktrees/<name>`). */
  gitdir: string;
  /** The directory holding the shared refs and objects (`commondir`; the gitdir itself unless a linked worktree). */
  commondir: string;
}

async function statOrUndefined(file: string) {
  try {
    return await stat(file);
  } catch {
    return undefined;
  }
}

async function isFile(file: string): Promise<boolean> {
  return (await statOrUndefined(file))?.isFile() ?? false;
}

async function isDirectory(file: string): Promise<boolean> {
  return (await statOrUndefined(file))?.isDirectory() ?? false;
}

/** A directory git would accept as a git directory: `HEAD`, `objects/` and `refs/` (or a `commondir` file, for worktrees). */
async function looksLikeGitdir(dir: string): Promise<boolean> {
  if (!(await isFile(path.join(dir, 'HEAD')))) return false;
  if (await isFile(path.join(dir, 'commondir'))) return true;
  return (await isDirectory(path.join(dir, 'objects'))) && (await isDirectory(path.join(dir, 'refs')));
}

/**
 * The git directory a `.git` entry points to: the directory itself, or the target of a `.git` file
 * (`gitdir: <path>`, written by `git worktree add` (absolute) and by submodules (relative to the file)).
 */
async function gitdirOf(dotGit: string): Promise<string | undefined> {
  const info = await statOrUndefined(dotGit);
  if (info?.isDirectory()) return (await looksLikeGitdir(dotGit)) ? dotGit : undefined;
  if (!info?.isFile()) return undefined;
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotGit, 'utf8'));
  if (!match) return undefined;
  const target = path.resolve(path.dirname(dotGit), match[1]!);
  return (await looksLikeGitdir(target)) ? target : undefined;
}

/** The shared git directory of `gitdir`: what its `commondir` file names (relative to it), else itself. */
async function commondirOf(gitdir: string): Promise<string> {
  try {
    const text = (await readFile(path.join(gitdir, 'commondir'), 'utf8')).trim();
    if (text) return path.resolve(gitdir, text);
  } catch {
    // no commondir file: a main working tree or a submodule
  }
  return gitdir;
}

/**
 * Finds the repository containing `start`, walking up to the file-system root like git does: the
 * first directory with a `.git` directory or `.git` file, or that is itself a bare repository.
 * Undefined when there is none (or `start` does not exist).
 */
export async function findRepository(start: string): Promise<GitRepository | undefined> {
  let dir = path.resolve(start);
  if (!(await isDirectory(dir))) {
    if (!(await isFile(dir))) return undefined;
    dir = path.dirname(dir); // a file inside the working tree
  }
  for (;;) {
    const gitdir = await gitdirOf(path.join(dir, '.git'));
    if (gitdir) return { root: dir, gitdir, commondir: await commondirOf(gitdir) };
    if (path.basename(dir) !== '.git' && (await looksLikeGitdir(dir))) {
      return { root: dir, gitdir: dir, commondir: await commondirOf(dir) }; // a bare repository
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
