import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Temporary files and folders of a write that may be killed half-way (an export): named with the
 * writing process's id, so a later run can tell a leftover of a dead process from one in use, and
 * removed if this process ends by a signal or `exit()` first.
 */

/** `<prefix><pid>-<random>`: unique, and tells which process made it. */
export function tempName(prefix: string): string {
  // node:crypto loaded at first use, not when a reader imports core
  return `${prefix}${process.pid}-${process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex')}`;
}

/** True when process `pid` still exists (it may belong to another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the entries `<prefix><pid>-<random>` of `dir` left by processes that no longer exist (an
 * export killed with SIGKILL cannot clean up after itself). Best effort: a folder that cannot be
 * read or an entry that cannot be removed is left alone.
 */
export function sweepStale(dir: string, prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid || alive(pid)) continue;
    try {
      rmSync(path.join(dir, name), { recursive: true, force: true });
    } catch {
      // another process is sweeping it, or it is not ours to remove
    }
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const pending = new Set<string>();
let handlers: { signal: (signal: NodeJS.Signals) => void; exit: () => void } | undefined;

function removePending(): void {
  for (const target of pending) rmSync(target, { recursive: true, force: true });
  pending.clear();
}

/**
 * Removes `target` (a file or folder) if the process exits, or is ended by SIGINT, SIGTERM or
 * SIGHUP, before the returned `release()` is called. A signal is then passed on as it came: when no
 * one else listens for it, the process ends by it as it would have.
 */
export function removeOnExit(target: string): () => void {
  pending.add(target);
  if (handlers === undefined) {
    const signal = (name: NodeJS.Signals) => {
      removePending();
      unlisten();
      if (process.listenerCount(name) === 0) process.kill(process.pid, name);
    };
    handlers = { signal, exit: removePending };
    for (const name of SIGNALS) process.on(name, signal);
    process.on('exit', removePending);
  }
  return () => {
    pending.delete(target);
    if (pending.size === 0) unlisten();
  };
}

function unlisten(): void {
  if (handlers === undefined) return;
  for (const name of SIGNALS) process.off(name, handlers.signal);
  process.off('exit', handlers.exit);
  handlers = undefined;
}
