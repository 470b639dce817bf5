import type { EnginePlugin } from '@xetrack/core';
import { createContext, type CliContext } from '../../src/context.js';
import { runCli } from '../../src/run-cli.js';

export interface MemoryRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A context on `plugin` whose output is collected, and a runner of `xt` arguments in-process. */
export function memoryXt(plugin: EnginePlugin<any>, options: { color?: boolean } = {}): (args: readonly string[]) => Promise<MemoryRun> {
  return async (args) => {
    let stdout = '';
    let stderr = '';
    const context: CliContext = createContext({
      resolveEngine: async () => plugin,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      color: options.color ?? false,
    });
    const code = await runCli(args, context, {});
    return { code, stdout, stderr };
  };
}
