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

const FIRST_READ_BYTES = 1 << 16;

/**
 * Read a file to EOF into one growing buffer. /proc files report size 0, so
 * the size from fstat cannot be trusted. A read error after a successful
 * open ends the data there, as fgets() returning NULL ends pmap's loop: a
 * process that exits mid-read yields what was read so far, and a directory
 * (EISDIR) reads as empty. Only a failed open is a failure.
 */
export function readWhole(path: string, limit = Number.POSITIVE_INFINITY): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return { ok: false, code: errorCode(error) };
  }
  let buffer = Buffer.allocUnsafe(Math.min(FIRST_READ_BYTES, limit));
  let total = 0;
  try {
    while (total < limit) {
      if (total === buffer.length) {
        const larger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit));
        buffer.copy(larger, 0, 0, total);
        buffer = larger;
      }
      let got: number;
      try {
        got = readSync(fd, buffer, total, buffer.length - total, null);
      } catch {
        break;
      }
      if (got <= 0) break;
      total += got;
    }
  } finally {
    closeSync(fd);
  }
  return { ok: true, data: buffer.subarray(0, total) };
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'EIO';
}

const BLOCK_BYTES = 1 << 20;

/**
 * Read a file to EOF and hand it over in latin1 blocks that each end with a
 * newline (the last one at EOF may not), so that a line is never split
 * between blocks and a huge smaps is never held whole. A read error after a
 * successful open ends the file there, as in readWhole().
 */
export function streamLines(path: string, onBlock: (block: string) => void): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return { ok: false, code: errorCode(error) };
  }
  let buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  let filled = 0;
  try {
    for (;;) {
      if (filled === buffer.length) {
        // One line longer than the buffer: grow until it fits.
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
      }
      let got: number;
      try {
        got = readSync(fd, buffer, filled, buffer.length - filled, null);
      } catch {
        break;
      }
      if (got <= 0) break;
      filled += got;
      const lastNewline = buffer.lastIndexOf(0x0a, filled - 1);
      if (lastNewline < 0) continue;
      onBlock(buffer.toString('latin1', 0, lastNewline + 1));
      buffer.copy(buffer, 0, lastNewline + 1, filled);
      filled -= lastNewline + 1;
    }
  } finally {
    closeSync(fd);
  }
  if (filled > 0) onBlock(buffer.toString('latin1', 0, filled));
  return { ok: true, data: EMPTY };
}

const EMPTY = Buffer.alloc(0);

/**
 * Read a file to EOF as bytes, for consumers that scan lines themselves:
 * onBlock gets a view of the unconsumed bytes (eof says no more will come)
 * and returns how many it consumed (whole lines); the rest is kept for the
 * next call. A read error after a successful open ends the file there.
 * (Added for the byte path of the plain modes, format/basic-bytes.ts.)
 */
export function streamBytes(path: string, onBlock: (bytes: Buffer, eof: boolean) => number): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return { ok: false, code: errorCode(error) };
  }
  let buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  let filled = 0;
  try {
    for (;;) {
      if (filled === buffer.length) {
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
      }
      let got: number;
      try {
        got = readSync(fd, buffer, filled, buffer.length - filled, null);
      } catch {
        break;
      }
      if (got <= 0) break;
      filled += got;
      // The kernel hands out about a page per read: scan only when the
      // buffer is mostly full, so a block is many lines.
      if (buffer.length - filled > 4096) continue;
      const used = onBlock(buffer.subarray(0, filled), false);
      buffer.copy(buffer, 0, used, filled);
      filled -= used;
    }
  } finally {
    closeSync(fd);
  }
  if (filled > 0) onBlock(buffer.subarray(0, filled), true);
  return { ok: true, data: EMPTY };
}

export class ProcFS {
  constructor(readonly root: string = DEFAULT_PROC_ROOT) {}

  /** Path of an entry below the root, e.g. path('4242', 'maps'). */
  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** Null when the root is a readable directory, else why it is not. */
  rootProblem(): string | null {
    try {
      return statSync(this.root).isDirectory() ? null : 'not a directory';
    } catch (error) {
      const code = errorCode(error);
      return code === 'ENOENT' ? 'no such directory' : code;
    }
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

  /** Stream PID/FILE in line-aligned blocks (see streamLines). */
  streamProcessFile(pid: string, file: string, onBlock: (block: string) => void): ReadOutcome {
    return streamLines(this.path(pid, file), onBlock);
  }

  /** Stream PID/FILE as bytes (see streamBytes). */
  streamProcessFileBytes(pid: string, file: string, onBlock: (bytes: Buffer, eof: boolean) => number): ReadOutcome {
    return streamBytes(this.path(pid, file), onBlock);
  }

  /** Read a file at the root, such as `sysvipc/shm`. */
  readRootFile(file: string): ReadOutcome {
    return readWhole(this.path(file));
  }
}
