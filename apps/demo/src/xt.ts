import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The built `xt` binary of the workspace's `@xetrack/cli` (its package.json `bin`). */
export function xtBinary(): string {
  const manifest = createRequire(import.meta.url).resolve('@xetrack/cli/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> };
  const file = path.resolve(path.dirname(manifest), typeof bin === 'string' ? bin : bin.xt!);
  if (!existsSync(file)) throw new Error(`${file} is missing: build the CLI first (pnpm build, or pnpm --filter @xetrack/cli build).`);
  return file;
}

/** Runs `xt ...args` in a child process and returns its stdout; a failure throws with xt's stderr. */
export async function xt(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [xtBinary(), ...args], { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`xt ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
  }
}
