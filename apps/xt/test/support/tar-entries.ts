import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The files of a .tgz as `npm pack` writes it, by path (tar headers read directly: no dependency). */
export function tarEntries(file: string): Map<string, Buffer> {
  const tar = gunzipSync(readFileSync(file));
  const entries = new Map<string, Buffer>();
  const field = (offset: number, length: number) => tar.toString('utf8', offset, offset + length).replace(/\0.*$/s, '');
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = field(offset, 100);
    if (!name) break;
    const size = parseInt(field(offset + 124, 12).trim() || '0', 8);
    entries.set(name, tar.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}
