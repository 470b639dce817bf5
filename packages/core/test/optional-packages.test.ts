import { describe, expect, it } from 'vitest';
import { importOptional, isXetrackError } from '../src/index.js';

describe('importOptional', () => {
  it('a missing add-on is PACKAGE_NOT_FOUND with the command that installs it', async () => {
    const error = await importOptional('@xetrack/no-such-addon', 'The widget option').catch((e: unknown) => e);
    expect(isXetrackError(error, 'PACKAGE_NOT_FOUND'), String(error)).toBe(true);
    expect((error as Error).message).toBe(
      'The widget option needs @xetrack/no-such-addon, which is not installed: add it with `pnpm add @xetrack/no-such-addon` (or npm install @xetrack/no-such-addon).',
    );
  });

  it('an engine passes its own code', async () => {
    const error = await importOptional('@xetrack/engine-nothing', 'The nothing engine', 'ENGINE_NOT_FOUND').catch((e: unknown) => e);
    expect(isXetrackError(error, 'ENGINE_NOT_FOUND'), String(error)).toBe(true);
  });

  it('an installed module is returned as the caller types it', async () => {
    const path = await importOptional<typeof import('node:path')>('node:path', 'Paths');
    expect(path.join('a', 'b')).toBe('a/b');
  });
});
