import path from 'node:path';

/** The root of the disk the working directory is on (`/` on POSIX, e.g. `C:\\` on Windows). */
export function defaultDiskPath(): string {
  return path.parse(process.cwd()).root || '/';
}

/** This thread's V8 heap in use, in MB (per thread: read it in the thread whose heap you mean). */
export function heapUsedMb(): number {
  return process.memoryUsage().heapUsed / 1024 / 1024;
}
