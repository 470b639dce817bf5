import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
const project = fileURLToPath(new URL('./types/tsconfig.json', import.meta.url));

describe('row types', () => {
  // types/row-types.ts holds the checks: rows typed with the keys logged, track()'s columns on read
  // rows, non-plain rows rejected (each `@ts-expect-error` must hit an error, or tsc fails on it).
  it('types/row-types.ts compiles under tsc --strict', () => {
    const result = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 300_000); // a whole tsc run: a minute or more on a loaded machine
});
