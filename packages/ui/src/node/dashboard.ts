/**
 * `xt ui`: a read-only dashboard on node:http. Every query runs here, in pages or down-sampled; the
 * page gets new rows through server-sent events sent from its cursor (only rows newer than what it
 * has). Binds 127.0.0.1 unless told otherwise; another address needs `expose: true` and then every
 * request must carry the random access token printed at start.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { isXetrackError, Reader, XetrackError } from '@xetrack/core';
import { SearchSyntaxError } from '../common/search.js';
import type { Meta, RowsEvent } from '../common/types.js';
import { assetBytes, listAssets } from './assets.js';
import { compareView } from './compare-view.js';
import { pageHtml } from './page.js';
import { TableSource } from './table-source.js';

export interface DashboardOptions {
  /** Port to listen on (default 8787; 0: any free port). */
  port?: number;
  /** Address to bind (default 127.0.0.1). Anything but a loopback address needs `expose`. */
  host?: string;
  /** Allow a non-loopback `host`; every request must then carry the access token (also on loopback). */
  expose?: boolean;
  /** The access token (default: a random one when `expose`, none otherwise). */
  token?: string;
  /** Tables shown (default: every tracking table, the reader's first). */
  tables?: string[];
  /** How often the database is checked for new rows, in ms (default 500). */
  pollMs?: number;
  /** Where the data comes from, shown in the page (default: the reader's path). */
  source?: string;
}

export interface Dashboard {
  /** The page's address (with `?token=` when a token is needed). */
  url: string;
  host: string;
  port: number;
  token: string | null;
  close(): Promise<void>;
}

export const DASHBOARD_PORT = 8787;
/** Cap on rows and runs one request returns. */
const MAX_PAGE = 5_000;
const SERIES_POINTS = 1_000;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Client {
  response: ServerResponse;
  cursor: string;
}

/** Starts the dashboard on `reader`'s database; resolves once it listens. */
export async function startDashboard(reader: Reader, options: DashboardOptions = {}): Promise<Dashboard> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DASHBOARD_PORT;
  if (!isLoopback(host) && !options.expose) {
    throw new XetrackError(
      'INVALID_ARGUMENT',
      `Binding ${host} lets other machines read this database: add --expose to do it (every request then needs the access token printed at start), or keep the default 127.0.0.1.`,
    );
  }
  const token = options.token ?? (options.expose ? randomBytes(18).toString('base64url') : null);
  const tableNames = options.tables?.length ? options.tables : [reader.table, ...(await reader.tables()).filter((t) => t !== reader.table)];
  const sources = new Map<string, TableSource>();
  const readers: Reader[] = [];
  for (const name of tableNames) {
    const tableReader = name === reader.table ? reader : await Reader.open(reader.path, { engine: reader.engine, table: name });
    if (tableReader !== reader) readers.push(tableReader);
    sources.set(name, await TableSource.open(tableReader));
  }
  const meta: Meta = { source: options.source ?? reader.path, engine: reader.engine.name, tables: tableNames, mode: 'live', generated: new Date().toISOString() };
  const clients = new Map<string, Set<Client>>(tableNames.map((t) => [t, new Set()]));
  const page = pageHtml({ title: `xetrack: ${meta.source}` });

  const sourceOf = (url: URL): TableSource => {
    const name = url.searchParams.get('table') ?? tableNames[0]!;
    const source = sources.get(name);
    if (!source) throw new HttpError(404, `No table ${name}: the tables are ${tableNames.join(', ')}.`);
    return source;
  };
  const int = (url: URL, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = url.searchParams.get(name);
    if (raw === null || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `${name} must be a whole number >= 0, not ${JSON.stringify(raw)}.`);
    return Math.min(n, max);
  };
  const ids = (url: URL): string[] | undefined => {
    const raw = url.searchParams.get('ids');
    return raw === null || raw === '' ? undefined : raw.split('\n');
  };
  const columnOf = (source: TableSource, url: URL, name: string): string => {
    const column = url.searchParams.get(name) ?? '';
    if (!source.meta().columns.some((c) => c.name === column)) throw new HttpError(404, `No column ${JSON.stringify(column)} in table ${source.table}.`);
    return column;
  };

  const routes: Record<string, (url: URL, request: IncomingMessage, response: ServerResponse) => Promise<unknown>> = {
    '/api/meta': async () => meta,
    '/api/table': async (url) => sourceOf(url).meta(),
    '/api/runs': async (url) => {
      const source = sourceOf(url);
      const wanted = ids(url);
      const result = source.runsPage(url.searchParams.get('q') ?? '', {
        sort: url.searchParams.get('sort') ?? undefined,
        desc: url.searchParams.get('desc') === '1',
        offset: int(url, 'offset', 0),
        limit: int(url, 'limit', 100, MAX_PAGE),
      });
      return wanted ? { runs: result.runs.filter((r) => wanted.includes(r.track_id)), total: result.total } : result;
    },
    '/api/rows': async (url) => sourceOf(url).rowsPage(int(url, 'offset', 0), int(url, 'limit', 50, MAX_PAGE), ids(url)),
    '/api/series': async (url) => {
      const source = sourceOf(url);
      return source.series(columnOf(source, url, 'metric'), (ids(url) ?? []).slice(0, 100), SERIES_POINTS);
    },
    '/api/histogram': async (url) => {
      const source = sourceOf(url);
      return source.histogram(columnOf(source, url, 'column'), int(url, 'bins', 30, 500) || 30);
    },
    '/api/timings': async (url) => sourceOf(url).timings(),
    '/api/system': async (url) => sourceOf(url).system(SERIES_POINTS),
    '/api/assets': async (url) => listAssets(sourceOf(url).reader, true),
    '/api/compare': async (url) => {
      const checks = url.searchParams.get('checks');
      const specs =
        checks === null
          ? undefined
          : checks
              .split('\n')
              .map((c) => c.trim())
              .filter((c) => c !== '');
      return compareView(sourceOf(url).reader, (ids(url) ?? []).slice(0, 50), url.searchParams.get('baseline'), specs);
    },
    '/api/events': async (url, request, response) => {
      const source = sourceOf(url);
      const cursor = String(request.headers['last-event-id'] ?? url.searchParams.get('cursor') ?? source.cursor);
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write('retry: 1000\n\n');
      const client: Client = { response, cursor };
      // rows written between the page's load and this connection
      for (;;) {
        const missed = await source.rowsAfter(client.cursor, 2_000);
        if (missed.length === 0) break;
        send(source, client, missed);
        if (missed.length < 2_000) break;
      }
      clients.get(source.table)!.add(client);
      request.on('close', () => clients.get(source.table)!.delete(client));
      return undefined;
    },
  };

  function send(source: TableSource, client: Client, rows: Awaited<ReturnType<TableSource['rowsAfter']>>): void {
    const newer = rows.filter((r) => String(r.timestamp) > client.cursor || client.cursor === '');
    if (newer.length === 0) return;
    client.cursor = newer.reduce((max, r) => (String(r.timestamp) > max ? String(r.timestamp) : max), client.cursor);
    const event: RowsEvent = { table: source.table, ...source.cellsOf(newer), cursor: client.cursor };
    client.response.write(`event: rows\nid: ${client.cursor}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  const authorized = (request: IncomingMessage, url: URL): boolean => {
    if (token === null) return true;
    const header = request.headers.authorization;
    const given = url.searchParams.get('token') ?? (header?.startsWith('Bearer ') ? header.slice(7) : '');
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      try {
        if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(405, 'This dashboard is read-only: only GET requests.');
        // a page on another site must not read a loopback dashboard by pointing a name at 127.0.0.1
        const hostHeader = (request.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
        if (token === null && !isLoopback(hostHeader) && hostHeader !== host) throw new HttpError(403, `Host ${hostHeader} not allowed: open http://127.0.0.1:${boundPort}/.`);
        if (!authorized(request, url)) throw new HttpError(401, 'This dashboard needs its access token: open the address xt ui printed (it ends with ?token=...).');
        if (url.pathname === '/' || url.pathname === '/index.html') {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          response.end(page);
          return;
        }
        const asset = /^\/api\/asset\/([0-9a-f]{1,64})$/.exec(url.pathname);
        if (asset) {
          const bytes = await assetBytes(sourceOf(url).reader, asset[1]!);
          if (!bytes) throw new HttpError(404, `No asset ${asset[1]} in the store.`);
          response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${asset[1]}.bin"` });
          response.end(bytes);
          return;
        }
        const route = routes[url.pathname];
        if (!route) throw new HttpError(404, `Nothing at ${url.pathname}.`);
        const body = await route(url, request, response);
        if (body === undefined) return; // the event stream stays open
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        response.end(JSON.stringify(body));
      } catch (error) {
        const status = error instanceof HttpError ? error.status : error instanceof SearchSyntaxError || isXetrackError(error) ? 400 : 500;
        if (!response.headersSent) response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(error instanceof Error ? error.message : String(error));
      }
    })();
  });

  let boundPort = port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new XetrackError('INVALID_ARGUMENT', `Port ${port} on ${host} is in use: stop what uses it, or pick another port with --port.`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new XetrackError('INVALID_ARGUMENT', `Cannot bind ${host}: it is not an address of this machine.`));
      else reject(new XetrackError('INVALID_ARGUMENT', `Cannot listen on ${host}:${port}: ${error.message}`));
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  boundPort = typeof address === 'object' && address ? address.port : port;

  // one query per table per tick, shared by every open page
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    void (async () => {
      try {
        for (const [name, source] of sources) {
          const fresh = await source.refresh();
          if (fresh.length) for (const client of clients.get(name)!) send(source, client, fresh);
        }
      } catch {
        // a failed tick (the file briefly locked) is retried on the next one
      } finally {
        polling = false;
      }
    })();
  }, options.pollMs ?? 500);
  const heartbeat = setInterval(() => {
    for (const set of clients.values()) for (const c of set) c.response.write(': ping\n\n');
  }, 15_000);

  const shown = isIP(host) === 6 ? `[${host}]` : host;
  return {
    url: `http://${shown}:${boundPort}/${token ? `?token=${token}` : ''}`,
    host,
    port: boundPort,
    token,
    async close() {
      clearInterval(timer);
      clearInterval(heartbeat);
      for (const set of clients.values()) for (const c of set) c.response.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const r of readers) await r.close();
    },
  };
}
