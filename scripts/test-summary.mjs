// Sums the vitest JSON reports that `pnpm test` left in each package into the one line CI reads:
// "N passed, N failed". Exits 1 when a test failed or a package's report is missing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];

const packageDirs = ['packages', 'apps', 'tests']
  .flatMap((group) => (existsSync(path.join(root, group)) ? readdirSync(path.join(root, group)).map((d) => path.join(root, group, d)) : []))
  .concat([path.join(root, 'examples')]);

for (const dir of packageDirs) {
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) continue;
  const { name, scripts = {} } = JSON.parse(readFileSync(manifest, 'utf8'));
  if (!scripts.test) continue;
  const report = path.join(dir, 'test-results.json');
  if (!existsSync(report)) {
    missing.push(name);
    continue;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  let packageFailed = (result.numFailedTests ?? 0) + (result.numRuntimeErrorTestSuites ?? 0);
  // A file that failed to load, or a failing hook, fails the run without failing a test: count it.
  if (result.success === false && packageFailed === 0) packageFailed = Math.max(1, result.numFailedTestSuites ?? 0);
  const packageSkipped = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
  passed += result.numPassedTests ?? 0;
  failed += packageFailed;
  skipped += packageSkipped;
  console.log(`${name}: ${result.numPassedTests ?? 0} passed, ${packageFailed} failed${packageSkipped ? `, ${packageSkipped} skipped` : ''}`);
}
// `pnpm lint` (Biome: formatting and lint errors), run by scripts/test.sh: one check.
const lint = path.join(root, 'lint-result.txt');
if (existsSync(lint)) {
  const ok = readFileSync(lint, 'utf8').trim() === 'passed';
  if (ok) passed += 1;
  else failed += 1;
  console.log(`lint (biome ci): ${ok ? '1 passed, 0 failed' : '0 passed, 1 failed (run pnpm format, then pnpm lint)'}`);
}
if (missing.length > 0) {
  console.log(`no test report from: ${missing.join(', ')}`);
  failed += missing.length;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
