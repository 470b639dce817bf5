// Bundles the page's TypeScript (and uPlot) into one script, and its CSS into one sheet, both
// inlined into every report and served by the dashboard: nothing is fetched at run time.
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
mkdirSync('dist/browser', { recursive: true });
await build({
  entryPoints: ['src/browser/main.ts'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  platform: 'browser',
  outfile: 'dist/browser/app.js',
  legalComments: 'none',
  logLevel: 'warning',
});
const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
writeFileSync('dist/browser/app.css', `${uplotCss}\n${readFileSync('src/browser/style.css', 'utf8')}`);
