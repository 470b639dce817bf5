import { readFileSync } from 'node:fs';
import path from 'node:path';
import sqliteEngine from '@xetrack/engine-sqlite';
import { describe, expect, it } from 'vitest';
import { writeDatabase } from './support/databases.js';
import { APP_DIR } from './support/paths.js';
import { runXt } from './support/run-xt.js';
import { useTempDir } from './support/temp-dir.js';

const readme = readFileSync(path.join(APP_DIR, 'README.md'), 'utf8');

/** The rows the README's examples show. */
const README_RUNS = [
  {
    trackId: 'calm-heron-4821',
    params: { model: 'cnn' },
    rows: [
      [1, 0.71, 0.92],
      [2, 0.83, 0.55],
      [3, 0.88, 0.41],
    ],
  },
  {
    trackId: 'brisk-otter-1067',
    params: { model: 'mlp' },
    rows: [
      [1, 0.64, 1.08],
      [2, 0.75, 0.79],
    ],
  },
].map((run) => ({ ...run, rows: run.rows.map(([epoch, accuracy, loss]) => ({ epoch, accuracy, loss })) }));

/** Words of a shell line: spaces split, single quotes group. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('README', () => {
  const tempDir = useTempDir('xt-readme-');

  it('every line of the usage session runs', async () => {
    const dir = tempDir();
    await writeDatabase(sqliteEngine, dir, 'track.db', README_RUNS);
    const session = /## Usage\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    const lines = session!.trim().split('\n');
    expect(lines.length).toBe(10);
    for (const line of lines) {
      const [command, ...args] = words(line);
      expect(command).toBe('xt');
      const result = runXt(args, { cwd: dir });
      expect(result.status, `${line}\n${result.stderr}`).toBe(0);
    }
  });

  it('shows real output', async () => {
    const dir = tempDir();
    await writeDatabase(sqliteEngine, dir, 'track.db', README_RUNS);
    const shown = /```text\n([\s\S]*?)```/.exec(readme)![1]!;
    for (const block of shown.split(/\n(?=\$ )/)) {
      const [prompt, ...output] = block.trim().split('\n');
      const result = runXt(words(prompt!.replace(/^\$ xt /, '')), { cwd: dir });
      const stamp = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}/g;
      expect(result.stdout.trimEnd().replace(stamp, 'T')).toBe(output.join('\n').replace(stamp, 'T'));
    }
  });
});
