/**
 * The only module that touches the filesystem for /proc data.
 *
 * A ProcFS is rooted at a directory, `/proc` by default or a copied tree
 * given with --proc-root, in the way prometheus/procfs roots its FS type.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_PROC_ROOT = '/proc';

/** What happened when a /proc file was read. */
export type ReadOutcome =
  | { readonly ok: true; readonly data: Buffer }
  | { readonly ok: false; readonly code: string };

const CHUNK_BYTES = 1 << 20;

/**
 * Read a file to EOF in large chunks. /proc files report size 0, so the size
 * from fstat cannot be trusted. A read error after a successful open ends the
 * data there, as fgets() returning NULL ends pmap's loop: a process that exits
 * mid-read yields what was read so far, not an exception. Only a failed
 * open is a failure.
 */
export function readWhole(path: string, limit = Number.POSITIVE_INFINITY): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return { ok: false, code: errorCode(error) };
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const want = Math.min(CHUNK_BYTES, limit - total);
      if (want <= 0) break;
      const chunk = Buffer.allocUnsafe(want);
      let got: number;
      try {
        got = readSync(fd, chunk, 0, want, null);
      } catch {
        // fopen() succeeded, so pmap sees an empty or shorter file (a
        // directory's EISDIR, a process gone with ESRCH), not a failure.
        break;
      }
      if (got <= 0) break;
      chunks.push(got === want ? chunk : chunk.subarray(0, got));
      total += got;
    }
  } finally {
    closeSync(fd);
  }
  return { ok: true, data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'EIO';
}

export class ProcFS {
  constructor(readonly root: string = DEFAULT_PROC_ROOT) {}

  /** Path of an entry below the root, e.g. path('4242', 'maps'). */
  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** Whether the directory of a process (or `self`) exists. */
  hasProcessDir(pid: string): boolean {
    try {
      statSync(this.path(pid));
      return true;
    } catch {
      return false;
    }
  }

  /** Read PID/FILE (or self/FILE) to EOF, up to `limit` bytes. */
  readProcessFile(pid: string, file: string, limit?: number): ReadOutcome {
    return readWhole(this.path(pid, file), limit);
  }

  /** Read a file at the root, such as `sysvipc/shm`. */
  readRootFile(file: string): ReadOutcome {
    return readWhole(this.path(file));
  }
}
