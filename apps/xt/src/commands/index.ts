import type { CommandEntry } from './spec.js';

/**
 * Every `xt` command, in the order `--help` lists them. Adding a command: write its module here
 * (a handler plus a `defineCommand` spec), then add one line below. Each module is imported only
 * when its command runs (or for `--help`), so start-up stays as fast as the command you call.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'head', load: async () => (await import('./head-tail.js')).headSpec },
  { name: 'tail', load: async () => (await import('./head-tail.js')).tailSpec },
  { name: 'columns', load: async () => (await import('./columns.js')).spec },
  { name: 'ls', load: async () => (await import('./ls.js')).spec },
  { name: 'sql', load: async () => (await import('./sql.js')).spec },
  { name: 'set', load: async () => (await import('./set.js')).spec },
  { name: 'delete', load: async () => (await import('./delete.js')).spec },
  { name: 'runs', load: async () => (await import('./runs.js')).spec },
  { name: 'stats', load: async () => (await import('./stats.js')).spec },
  { name: 'plot', load: async () => (await import('./plot.js')).spec },
  { name: 'copy', load: async () => (await import('./copy.js')).spec },
  { name: 'merge', load: async () => (await import('./merge.js')).spec },
  { name: 'ingest', load: async () => (await import('./ingest.js')).spec },
  { name: 'export', load: async () => (await import('./export.js')).spec },
  { name: 'cache', load: async () => (await import('./cache.js')).spec },
  { name: 'assets', load: async () => (await import('./assets.js')).spec },
  { name: 'diff', load: async () => (await import('./diff.js')).spec },
  { name: 'check', load: async () => (await import('./check.js')).spec },
  { name: 'import', load: async () => (await import('./import.js')).spec },
  { name: 'report', load: async () => (await import('./report.js')).spec },
  { name: 'ui', load: async () => (await import('./ui.js')).spec },
  { name: 'mcp', load: async () => (await import('./mcp.js')).spec },
];
