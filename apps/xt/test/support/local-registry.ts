import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tarEntries } from './tar-entries.js';

export interface LocalRegistry {
  /** e.g. `http://127.0.0.1:4873/` */
  url: string;
  close(): Promise<void>;
}

/**
 * A minimal npm registry on 127.0.0.1 that serves the given tarballs (`npm pack` output) and
 * nothing else: their packuments and the tarballs themselves. Point one scope at it
 * (`@xetrack:registry=<url>`), and pnpm installs those packages as if they were published while
 * every other package still comes from the usual registry.
 */
export async function startLocalRegistry(tarballs: readonly string[]): Promise<LocalRegistry> {
  const packages = new Map<string, { manifest: Record<string, unknown>; data: Buffer }>();
  for (const file of tarballs) {
    const data = readFileSync(file);
    const manifest = JSON.parse(tarEntries(file).get('package/package.json')!.toString('utf8')) as Record<string, unknown>;
    packages.set(String(manifest.name), { manifest, data });
  }
  let base = '';
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]!).replace(/^\//, '');
    const tarball = /^(.+)\/-\/[^/]+\.tgz$/.exec(path);
    const entry = packages.get(tarball ? tarball[1]! : path);
    if (!entry) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    if (tarball) {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': entry.data.length }).end(entry.data);
      return;
    }
    const { manifest, data } = entry;
    const name = String(manifest.name);
    const version = String(manifest.version);
    const packument = {
      name,
      'dist-tags': { latest: version },
      versions: {
        [version]: {
          ...manifest,
          dist: {
            tarball: `${base}${name}/-/${name.split('/').pop()}-${version}.tgz`,
            integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
            shasum: createHash('sha1').update(data).digest('hex'),
          },
        },
      },
      time: { [version]: new Date(0).toISOString() },
    };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url: base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
