import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * SKILL.md is the page a coding agent reads once to use xetrack-ts. These tests keep it complete
 * as the code grows (every public export, every `xt` command) and check it ships in the packages.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const skill = readFileSync(path.join(repoRoot, 'SKILL.md'), 'utf8');
const cli = path.join(repoRoot, 'apps', 'xt', 'dist', 'cli.js');

/** The text SKILL.md shows as code: fenced blocks and inline `code` spans. A name counts as mentioned only there. */
const codeText = [...skill.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)]
  .map((m) => m[1]!)
  .concat([...skill.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!))
  .join('\n');

function mentioned(name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(^|[^\\w$])${escaped}(?![\\w$])`, 'm').test(codeText);
}

interface Manifest {
  name: string;
  private?: boolean;
  exports?: Record<string, unknown>;
}

/** The published packages (not private), from the workspace's manifests. */
const published: { dir: string; manifest: Manifest }[] = ['packages', 'apps'].flatMap((group) =>
  readdirSync(path.join(repoRoot, group))
    .map((dir) => path.join(repoRoot, group, dir))
    .filter((dir) => existsSync(path.join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest }))
    .filter(({ manifest }) => manifest.private !== true),
);

describe('SKILL.md', () => {
  it('starts with Agent Skills front matter: a name and a description saying when to use it', () => {
    const front = /^---\nname: ([^\n]+)\ndescription: ([^\n]+)\n---\n/.exec(skill);
    expect(front).not.toBeNull();
    expect(front![1]).toBe('xetrack-ts');
    expect(front![2]!.length).toBeLessThanOrEqual(1024); // the format's limit
    expect(front![2]).toMatch(/Use (it )?when/);
    // a plain YAML scalar: no ': ' or ' #' (they would end it), no leading indicator character
    expect(front![2]).not.toMatch(/: | #|^[-?:,[\]{}#&*!|>'"%@`]/);
  });

  it('the mention check finds names in code only', () => {
    expect(mentioned('Tracker')).toBe(true);
    expect(mentioned('Tracker.open')).toBe(true);
    expect(mentioned('NoSuchExport')).toBe(false);
    expect(mentioned('Track')).toBe(false); // a whole name, not part of one
  });

  it('names every published package', () => {
    expect(published.map((p) => p.manifest.name)).toEqual(expect.arrayContaining(['@xetrack/core', '@xetrack/cli']));
    expect(published.map((p) => p.manifest.name).filter((name) => !mentioned(name))).toEqual([]);
  });

  it("mentions every runtime export of every published package's entry point", async () => {
    const missing: string[] = [];
    let checked = 0;
    for (const { manifest } of published.filter((p) => p.manifest.exports?.['.'] !== undefined)) {
      const names = Object.keys((await import(manifest.name)) as object).filter((name) => name !== 'default');
      expect(names.length, manifest.name).toBeGreaterThan(0);
      checked += names.length;
      missing.push(...names.filter((name) => !mentioned(name)).map((name) => `${manifest.name}: ${name}`));
    }
    expect(checked).toBeGreaterThan(80);
    expect(missing).toEqual([]);
  });

  it('mentions every XetrackError code', () => {
    const errors = readFileSync(path.join(repoRoot, 'packages', 'core', 'src', 'errors.ts'), 'utf8');
    const union = /export type XetrackErrorCode =([\s\S]*?);/.exec(errors)![1]!;
    const codes = [...union.matchAll(/\| '([A-Z_]+)'/g)].map((m) => m[1]!);
    expect(codes).toEqual(expect.arrayContaining(['NOT_FOUND', 'UNKNOWN_COLUMN', 'LOCKED']));
    expect(codes.filter((code) => !mentioned(code))).toEqual([]);
  });

  it('mentions every xt command and sub-command as `xt NAME`', () => {
    const registry = readFileSync(path.join(repoRoot, 'apps', 'xt', 'src', 'commands', 'index.ts'), 'utf8');
    const commands = [...registry.matchAll(/\{ name: '([\w-]+)', load:/g)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThanOrEqual(20);
    expect(commands).toContain('check');
    const names = commands.flatMap((command) => {
      // a group (`xt stats`) lists its sub-commands in its help: "  xt stats describe <db>  ..."
      const help = spawnSync(process.execPath, [cli, command, '--help'], { encoding: 'utf8' });
      expect(help.status, help.stderr).toBe(0);
      const subcommands = [...help.stdout.matchAll(new RegExp(`^ {2}xt ${command} ([\\w-]+)`, 'gm'))].map((m) => `xt ${command} ${m[1]}`);
      return [`xt ${command}`, ...subcommands];
    });
    expect(names).toContain('xt stats describe');
    expect(names.filter((name) => !mentioned(name))).toEqual([]);
  });
});

describe('SKILL.md in the packed packages', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'xt-skill-pack-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  /** A user's environment, without what `pnpm run` sets for this workspace. */
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|PNPM_SCRIPT|INIT_CWD$)/i.test(key)));

  for (const name of ['@xetrack/core', '@xetrack/cli']) {
    it(`${name}'s tarball holds the repository's SKILL.md at its root, and packing leaves no copy behind`, () => {
      const dir = published.find((p) => p.manifest.name === name)!.dir;
      const packed = spawnSync('pnpm', ['pack', '--pack-destination', out, '--json'], { cwd: dir, encoding: 'utf8', env });
      expect(packed.status, packed.stderr).toBe(0);
      const tarball = path.join(out, (JSON.parse(packed.stdout) as { filename: string }).filename.split('/').pop()!);
      const shipped = spawnSync('tar', ['-xzOf', tarball, 'package/SKILL.md'], { encoding: 'utf8' });
      expect(shipped.status, shipped.stderr).toBe(0);
      expect(shipped.stdout).toBe(skill);
      expect(existsSync(path.join(dir, 'SKILL.md'))).toBe(false); // postpack removed the copy: one source, the root's
    });
  }
});
