import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { packageBuild } from '../../tsup.config.base';

const here = path.dirname(fileURLToPath(import.meta.url));
const { version } = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8')) as { version: string };

/**
 * yargs and its dependencies are bundled into dist/cli.js: loading them as ~30 separate ES modules
 * (plus two `Intl.Segmenter`s that `string-width` builds on import) cost more start-up time than
 * the rest of `xt head`. `string-width` is replaced by a small width function for the help text.
 * The MCP SDK and what its stdio server imports (zod, ajv) are bundled into the chunk only `xt mcp`
 * loads, so installing the CLI does not bring the SDK's HTTP servers (express, hono) along.
 * `node:assert`, which yargs imports for two checks, is replaced by `src/assert-lite.ts`, and
 * its search for the working directory's package.json by `src/find-up-none.ts`.
 */
const BUNDLED =
  /^(@modelcontextprotocol\/sdk|zod|zod-to-json-schema|ajv|ajv-formats|fast-deep-equal|fast-uri|json-schema-traverse|yargs|yargs-parser|cliui|y18n|escalade|get-caller-file|wrap-ansi|strip-ansi|ansi-regex|ansi-styles|string-width|emoji-regex|get-east-asian-width)(\/|$)/;

export default packageBuild(['src/cli.ts'], {
  // A binary, not a library: no type declarations. One chunk per command module, so `xt head`
  // loads only what `head` needs.
  dts: false,
  splitting: true,
  noExternal: [BUNDLED],
  define: { __XT_VERSION__: JSON.stringify(version) },
  esbuildOptions(options) {
    options.metafile = true; // read by thirdPartyLicenses, not written to dist
    options.alias = {
      'string-width': path.join(here, 'src/format/string-width-lite.ts'),
      assert: path.join(here, 'src/assert-lite.ts'),
      'escalade/sync': path.join(here, 'src/find-up-none.ts'),
    };
  },
  esbuildPlugins: [thirdPartyLicenses(path.join(here, 'dist/THIRD_PARTY_LICENSES.md'))],
});

/** Writes the licence of every bundled npm package next to the bundle (their licences ask for it). */
function thirdPartyLicenses(target: string): Plugin {
  return {
    name: 'third-party-licenses',
    setup(build) {
      build.onEnd((result) => {
        const roots = new Set<string>();
        for (const input of Object.keys(result.metafile?.inputs ?? {})) {
          const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
          if (match?.[1]) roots.add(path.resolve(here, match[1]));
        }
        const sections = [...roots].sort().map((root) => {
          const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
          const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'license.md', 'LICENCE'].map((f) => path.join(root, f)).find((f) => existsSync(f));
          const text = file ? readFileSync(file, 'utf8').trim() : `License: ${pkg.license ?? 'see the package'}`;
          return `## ${pkg.name}@${pkg.version} (${pkg.license ?? 'unknown'})\n\n\`\`\`\n${text}\n\`\`\``;
        });
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, `# Third-party code bundled in dist/ (cli.js and the chunks it loads)\n\n${sections.join('\n\n')}\n`);
      });
    },
  };
}
