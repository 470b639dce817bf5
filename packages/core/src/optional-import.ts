import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { messageOf, XetrackError } from './errors.js';

/**
 * Imports an optional xetrack package (an engine or an add-on) that the application installed.
 * Plain `import()` first; then resolution from the working directory and from the main script,
 * because with pnpm's strict layout a package the application installed is not visible from
 * core's own folder. A missing package is ENGINE_NOT_FOUND with the command that installs it.
 */
export async function importOptional(specifier: string, what: string): Promise<Record<string, unknown>> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if (!isModuleNotFound(error, specifier)) throw loadFailure(error, specifier);
  }
  const bases = [path.join(process.cwd(), 'index.js')];
  if (process.argv[1]) bases.push(process.argv[1]);
  for (const base of bases) {
    let resolved: string;
    try {
      resolved = createRequire(base).resolve(specifier);
    } catch {
      continue;
    }
    try {
      return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
    } catch (error) {
      throw loadFailure(error, specifier);
    }
  }
  throw new XetrackError('ENGINE_NOT_FOUND', `${what} needs ${specifier}, which is not installed: add it with \`pnpm add ${specifier}\` (or npm install ${specifier}).`);
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && messageOf(error).includes(specifier);
}

function loadFailure(error: unknown, specifier: string): XetrackError {
  return new XetrackError('ENGINE_NOT_FOUND', `${specifier} is installed but failed to load: ${messageOf(error)}. Reinstall it.`, { cause: error });
}
