import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { packageBuild } from '../../tsup.config.base';

const here = path.dirname(fileURLToPath(import.meta.url));
const { version } = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8')) as { version: string };

/**
 * Third-party code bundled into dist rather than loaded from node_modules: yargs and its
 * dependencies (loading them as ~30 separate ES modules, plus two `Intl.Segmenter`s that
 * `string-width` builds on import, cost more start-up time than the rest of `xt head`), and the MCP
 * SDK with what its stdio server imports (zod, ajv), so installing the CLI does not bring the SDK's
 * HTTP servers (express, hono) along. `string-width` is replaced by a small width function for the
 * help text, `node:assert` (two checks in yargs) by `src/assert-lite.ts`, and yargs' search for
 * the working directory's package.json by `src/find-up-none.ts`.
 */
const BUNDLED =
  /^(@modelcontextprotocol\/sdk|zod|zod-to-json-schema|ajv|ajv-formats|fast-deep-equal|fast-uri|json-schema-traverse|yargs|yargs-parser|cliui|y18n|escalade|get-caller-file|wrap-ansi|strip-ansi|ansi-regex|ansi-styles|string-width|emoji-regex|get-east-asian-width)(\/|$)/;

/**
 * One file per part loaded on its own: the binary (`cli.js`: parsing, the context, the command
 * list), each command module `commands/index.ts` loads, the MCP server, and yargs. Node pays about
 * 0.3 ms per ES module it loads, and esbuild's code splitting cut `xt head` into 15 of them (a chunk
 * per set of commands sharing a file); now it loads 2. What several parts use (options, the
 * formatters) is copied into each, so nothing in `src` may rely on one copy per process (the error
 * classes carry a brand, see `usage-error.ts`).
 */
const COMMAND_MODULES = [...new Set([...readFileSync(path.join(here, 'src/commands/index.ts'), 'utf8').matchAll(/import\('\.\/([\w-]+)\.js'\)/g)].map((m) => m[1] as string))];
const ENTRIES: Record<string, string> = {
  cli: 'src/cli.ts',
  ...Object.fromEntries(COMMAND_MODULES.map((name) => [`command-${name}`, `src/commands/${name}.ts`])),
  'mcp-server': 'src/mcp/server.ts',
  yargs: 'src/yargs.ts',
};

export default packageBuild(ENTRIES, {
  // A binary, not a library: no type declarations.
  dts: false,
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
  esbuildPlugins: [separateEntries(ENTRIES), thirdPartyLicenses(path.join(here, 'dist/THIRD_PARTY_LICENSES.md'))],
});

/**
 * A dynamic `import()` of another entry (a command module from `commands/index.ts`, the MCP server,
 * yargs) stays an import of that entry's file, so the part is loaded when it is called for, not
 * inlined into every file that can call for it. Every output sits in dist/ itself, so `./NAME.js`
 * is right from each of them.
 */
function separateEntries(entries: Record<string, string>): Plugin {
  const byTarget = new Map(Object.entries(entries).map(([name, source]) => [path.join(here, source), name]));
  return {
    name: 'separate-entries',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'dynamic-import' || !args.path.startsWith('.')) return undefined;
        const name = byTarget.get(path.resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts'));
        return name === undefined ? undefined : { path: `./${name}.js`, external: true };
      });
    },
  };
}

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
