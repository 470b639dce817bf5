import { spawn } from 'node:child_process';

/** Runs `node script ...args` to its end and parses the last line it printed as JSON; rejects on a non-zero exit. */
export function runNode<T>(script: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${script} exited with ${String(code)}: ${err}`));
      else {
        try {
          resolve(JSON.parse(out.trim().split('\n').pop() as string) as T);
        } catch (error) {
          reject(new Error(`${script} printed no JSON: ${out}\n${err}`, { cause: error }));
        }
      }
    });
  });
}
