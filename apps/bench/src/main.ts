/**
 * `pnpm bench`: runs the benchmark suites and prints each figure beside its raw baseline (a table,
 * or one JSON document with `--json`). Progress goes to stderr so stdout stays parseable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, selects, USAGE } from './args.js';
import { formatReport } from './report.js';
import type { Figure, Suite } from './suite.js';

async function loadSuites(): Promise<readonly Suite[]> {
  try {
    return (await import('./registry.js')).suites;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(`${(error as Error).message}\nThe workspace packages are not built: run \`pnpm build\` from the repository root first.`);
    }
    throw error;
  }
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const all = await loadSuites();
  if (args.list) {
    process.stdout.write(`${all.map((s) => s.name).join('\n')}\n`);
    return 0;
  }
  const unknown = args.only.filter((o) => !all.some((s) => selects(o, s.name)));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown suite ${unknown.map((u) => JSON.stringify(u)).join(', ')}. Suites: ${all.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const chosen = args.only.length === 0 ? all : all.filter((s) => args.only.some((o) => selects(o, s.name)));
  const rounds = args.rounds ?? (args.quick ? 1 : 5);
  const tmpDir = mkdtempSync(join(tmpdir(), 'xetrack-bench-'));
  const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  const figures: Figure[] = [];
  const errors: string[] = [];
  const started = performance.now();
  const loadBefore = loadavg()[0]!;
  try {
    for (const suite of chosen) {
      try {
        figures.push(...(await suite.run({ quick: args.quick, rounds, tmpDir, log })));
      } catch (error) {
        errors.push(`${suite.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        log(`${suite.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  // The 1-minute load average before and after: on a shared machine it says how far to trust the numbers.
  const load = [loadBefore, loadavg()[0]!].map((l) => Math.round(l * 100) / 100);
  const machine = { node: process.version, platform: process.platform, arch: process.arch, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', load };
  if (args.json) {
    const document = {
      benchmark: 'xetrack-ts',
      date: new Date().toISOString(),
      machine,
      quick: args.quick,
      rounds,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      figures,
      errors,
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    const header =
      `xetrack-ts benchmarks: node ${machine.node}, ${machine.platform} ${machine.arch}, ${machine.cpus} cpus; ` +
      `load ${load.join(' → ')}; ${rounds} round${rounds === 1 ? '' : 's'} per side after a warm-up, medians${args.quick ? ' (--quick: smoke sizes, not meaningful)' : ''}`;
    process.stdout.write(`${formatReport(figures, header, errors)}\n`);
  }
  return errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    process.exitCode = 2;
  },
);
