import * as fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import git from 'isomorphic-git';
import { findRepository, type GitRepository } from './git-repository.js';

const OID = /^[0-9a-f]{40}$/;

/**
 * The commit a repository's HEAD points at, or undefined when it has none (an unborn branch).
 * HEAD is read from this working tree's gitdir (a linked worktree has its own); the branch it names
 * is resolved by isomorphic-git in the shared commondir, loose or packed.
 */
async function headOf(repo: GitRepository): Promise<string | undefined> {
  let head: string;
  try {
    head = (await readFile(path.join(repo.gitdir, 'HEAD'), 'utf8')).trim();
  } catch {
    return undefined;
  }
  if (OID.test(head)) return head; // detached HEAD
  const symbolic = /^ref:\s*(\S+)$/.exec(head);
  if (!symbolic) return undefined;
  const ref = symbolic[1]!;
  // Per-worktree refs (refs/bisect/*, refs/worktree/*) live in the worktree's gitdir; branches in commondir.
  const perWorktree = ref.startsWith('refs/bisect/') || ref.startsWith('refs/worktree/');
  try {
    const oid = await git.resolveRef({ fs, gitdir: perWorktree ? repo.gitdir : repo.commondir, ref });
    return OID.test(oid) ? oid : undefined;
  } catch {
    return undefined; // the branch has no commit yet
  }
}

/**
 * The HEAD commit (40 hex characters) of the git repository containing `root`, found by walking up
 * from `root` as git does. Works in linked worktrees (`git worktree add`), submodules, bare
 * repositories, with packed refs and with a detached HEAD. Undefined when `root` is not inside a
 * repository or HEAD has no commit yet; never throws for those.
 */
export async function gitCommitHash(root = '.'): Promise<string | undefined> {
  const repo = await findRepository(root);
  return repo ? headOf(repo) : undefined;
}

/** What a tag ref names, peeled once as `git tag --points-at` does: an annotated tag's target. */
async function peelOnce(gitdir: string, oid: string): Promise<string | undefined> {
  try {
    const object = await git.readObject({ fs, gitdir, oid, format: 'parsed' });
    return object.type === 'tag' ? (object.object as { object: string }).object : undefined;
  } catch {
    return undefined; // a missing object: only what the ref holds is compared
  }
}

/**
 * The tags pointing at HEAD (lightweight, and annotated ones whose target is HEAD), sorted; `[]`
 * outside a repository, without a commit, or when no tag points at HEAD. The same list as
 * `git tag --points-at HEAD` (which, like this, does not follow a tag of a tag).
 */
export async function gitCommitTags(root = '.'): Promise<string[]> {
  const repo = await findRepository(root);
  if (!repo) return [];
  const head = await headOf(repo);
  if (!head) return [];
  const gitdir = repo.commondir;
  const tags = await git.listTags({ fs, gitdir }).catch(() => [] as string[]);
  const matches: string[] = [];
  for (const tag of tags) {
    try {
      const oid = await git.resolveRef({ fs, gitdir, ref: `refs/tags/${tag}` });
      if (oid === head || (await peelOnce(gitdir, oid)) === head) matches.push(tag);
    } catch {
      // a broken tag ref: git skips it too
    }
  }
  return matches.sort();
}
