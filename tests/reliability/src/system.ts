/**
 * Root-only tools the file tests use (mounts, immutable files), each probed before use: where the
 * machine does not allow one, the test that needs it is skipped with the reason in its title.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function run(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

function probeDir(): string {
  const dir = path.join(tmpdir(), `xt-rel-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `mount -t tmpfs` works here (root with CAP_SYS_ADMIN, as on this project's machines). */
export const CAN_MOUNT = (() => {
  const dir = probeDir();
  try {
    if (!run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir])) return false;
    return run('umount', [dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

/** `chattr +i` works on the temp directory's filesystem (ext4 and most others; not tmpfs). */
export const CAN_CHATTR = (() => {
  const dir = probeDir();
  const file = path.join(dir, 'f');
  writeFileSync(file, '');
  try {
    if (!run('chattr', ['+i', file])) return false;
    return run('chattr', ['-i', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

const mounted: string[] = [];

/** Mounts a tmpfs of `size` (e.g. `512k`) on `dir`. */
export function mountTmpfs(dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounted.push(dir);
}

/** Grows (or shrinks) a tmpfs mounted by `mountTmpfs`. */
export function resizeTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-o', `remount,size=${size}`, dir]);
}

/** A read-only view of `source` at `target` (bind mount, then remounted read-only). */
export function mountReadOnly(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  execFileSync('mount', ['--bind', source, target]);
  mounted.push(target);
  execFileSync('mount', ['-o', 'remount,bind,ro', target]);
}

export function unmountAll(): void {
  for (const dir of mounted.splice(0).reverse()) {
    if (!run('umount', [dir])) run('umount', ['-l', dir]);
  }
}

const immutable: string[] = [];

/** `chattr +i`: not even root may change, delete or add to it (a directory: no entries added). */
export function makeImmutable(file: string): void {
  execFileSync('chattr', ['+i', file]);
  immutable.push(file);
}

export function clearImmutable(): void {
  for (const file of immutable.splice(0)) if (existsSync(file)) run('chattr', ['-i', file]);
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
