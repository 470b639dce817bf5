import { importOptional } from '@xetrack/core';
import type * as Ui from '@xetrack/ui';
import type { CliContext } from '../context.js';
import { ENGINE, db, wholeNumber } from './options.js';
import { listOf, shownLocation } from './report.js';
import { defineCommand } from './spec.js';

export interface UiArgs {
  db: string;
  engine?: string | undefined;
  table?: string[] | undefined;
  port: number;
  host: string;
  expose: boolean;
}

/**
 * `xt ui DB`: the live dashboard (@xetrack/ui) until Ctrl-C (SIGINT) or SIGTERM. Read-only; binds
 * 127.0.0.1 unless `--host` and `--expose` say otherwise, and then prints the access token.
 */
export async function ui(context: CliContext, args: UiArgs, stopped: Promise<unknown> = untilSignal()): Promise<void> {
  const pkg = await importOptional<typeof Ui>('@xetrack/ui', 'xt ui');
  const tables = listOf(args.table);
  const reader = await context.openReader(args.db, { engine: args.engine, table: tables?.[0] });
  try {
    const dashboard = await pkg.startDashboard(reader, { port: args.port, host: args.host, expose: args.expose, tables, source: shownLocation(args.db) });
    context.stdout.write(`xt ui: ${args.db} at ${dashboard.url} (read-only, live; Ctrl-C to stop)\n`);
    if (dashboard.token) context.stdout.write(`Access token: ${dashboard.token} (every request needs it; the address above carries it)\n`);
    await stopped;
    await dashboard.close();
  } finally {
    await reader.close();
  }
}

function untilSignal(): Promise<unknown> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

export const spec = defineCommand<UiArgs>({
  name: 'ui',
  description: 'A live, read-only dashboard in the browser (runs, compare, charts, rows)',
  signature: 'ui <db> [--port 8787]',
  options: (y) =>
    db(y)
      .option('engine', ENGINE)
      .option('table', { type: 'string', array: true, requiresArg: true, describe: 'Tables to show (repeatable or comma-separated; default: every table)' })
      .option('port', { type: 'string', requiresArg: true, default: '8787', coerce: wholeNumber('port', 0, 65535), describe: 'Port (0: any free port)' })
      .option('host', { type: 'string', requiresArg: true, default: '127.0.0.1', describe: 'Address to bind; anything but loopback needs --expose' })
      .option('expose', { type: 'boolean', default: false, describe: 'Allow a non-loopback --host; prints a random access token every request must carry' }),
  run: (context, args) => ui(context, args),
});
