/**
 * Reading one /proc file whole, the way pmap's C read loops do: open, then
 * read(2) to EOF into a growing buffer, a failed read ending the data there.
 * procfs.ts streams the big files; this holds the primitives it shares.
 */
import { closeSync, openSync, read, readSync } from 'node:fs';

/** What happened when a /proc file was read. */
export type ReadOutcome =
  | { readonly ok: true; readonly data: Buffer }
  | { readonly ok: false; readonly code: string };

/**
 * readWhole's first buffer. Under 4 KiB (half of Node's pool), so the
 * usual small file (cmdline) comes from the pool instead of a fresh 64 KiB
 * allocation per process; larger files double it.
 */
const FIRST_READ_BYTES = 4000;

/** open(path, O_RDONLY): the descriptor, or the error's code. */
export function openForReading(path: string): number | string {
  try {
    return openSync(path, 'r');
  } catch (error) {
    return errorCode(error);
  }
}

/**
 * read(2) into buffer[offset, offset + length): the byte count, 0 at EOF. A
 * read error after a successful open ends the file there, as a C read loop
 * that stops on a short or failed read does.
 */
export function readOrEnd(fd: number, buffer: Buffer, offset: number, length: number): number {
  try {
    return readSync(fd, buffer, offset, length, null);
  } catch {
    return 0;
  }
}

/**
 * Read buffers kept from one file to the next. A run over many PIDs opens
 * four files per process; a fresh 1 MB buffer each time cost ~10 ms of
 * allocation and GC in a -X run over 86 small processes (cpu profile:
 * createUnsafeBuffer and the collector). Readers here hand their callbacks
 * copies or views that are dead once the callback returns, so a buffer can
 * be lent again as soon as its reader is done; a nested read borrows another.
 */
const spareBuffers: Buffer[] = [];
const SPARE_LIMIT = 4;

export function borrowBuffer(size: number): Buffer {
  const at = spareBuffers.findIndex((buffer) => buffer.length === size);
  return at >= 0 ? spareBuffers.splice(at, 1)[0]! : Buffer.allocUnsafe(size);
}

export function giveBack(buffer: Buffer): void {
  if (spareBuffers.length < SPARE_LIMIT) spareBuffers.push(buffer);
}

/**
 * Read a file to EOF into one growing buffer. /proc files report size 0, so
 * the size from fstat cannot be trusted. A read error after a successful
 * open ends the data there, as fgets() returning NULL ends pmap's loop: a
 * process that exits mid-read yields what was read so far, and a directory
 * (EISDIR) reads as empty. Only a failed open is a failure.
 */
export function readWhole(path: string, limit = Number.POSITIVE_INFINITY): ReadOutcome {
  const opened = openForReading(path);
  if (typeof opened === 'string') return { ok: false, code: opened };
  return readToEnd(opened, Buffer.allocUnsafe(Math.min(FIRST_READ_BYTES, limit)), 0, limit);
}

/**
 * readWhole() whose first read(2) runs on libuv's thread pool, issued at
 * once: a file the kernel builds on its first read (a seq_file such as
 * smaps_rollup, which walks every mapping: 20 ms at 61,000 mappings) is
 * built on another core while this thread goes on. The rest, if any, is
 * read when the promise's callback runs.
 */
export function readWholeLater(path: string): Promise<ReadOutcome> {
  const opened = openForReading(path);
  if (typeof opened === 'string') return Promise.resolve({ ok: false, code: opened });
  const buffer = Buffer.allocUnsafe(FIRST_READ_BYTES);
  return new Promise((resolve) => {
    read(opened, buffer, 0, buffer.length, null, (error, first) => {
      // A failed read ends the file there, as readOrEnd() does.
      resolve(readToEnd(opened, buffer, error ? 0 : first, error || first === 0 ? 0 : Number.POSITIVE_INFINITY));
    });
  });
}

/** Read on from buffer[total] to EOF (or `limit` bytes), the buffer doubled as needed, and close fd. */
function readToEnd(fd: number, buffer: Buffer, total: number, limit: number): ReadOutcome {
  try {
    while (total < limit) {
      if (total === buffer.length) {
        const larger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit));
        buffer.copy(larger, 0, 0, total);
        buffer = larger;
      }
      const got = readOrEnd(fd, buffer, total, buffer.length - total);
      if (got <= 0) break;
      total += got;
    }
  } finally {
    closeSync(fd);
  }
  return { ok: true, data: buffer.subarray(0, total) };
}

export function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'EIO';
}
