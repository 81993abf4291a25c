/**
 * The only module that touches the filesystem for rc files (-c, -C, -n, -N).
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { reachesReopenedStdio } from './stdio.js';

const CHUNK_BYTES = 1 << 16;

/**
 * Read the file in latin1 blocks handed to `onBlock` as they arrive, so an
 * endless file (/dev/zero) is read in constant memory; false when it cannot
 * be opened for reading. As with fgets(), a read error after a successful
 * open (a directory gives EISDIR) ends the data there instead of failing.
 */
export function streamRcText(path: string, onBlock: (block: string) => void): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    // pmap's fopen() fails where the path names a standard descriptor that
    // was closed; Node has put /dev/null there (proc/stdio.ts).
    if (reachesReopenedStdio(path, fd)) return false;
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      let got: number;
      try {
        got = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      } catch {
        break;
      }
      if (got <= 0) break;
      onBlock(chunk.toString('latin1', 0, got));
    }
  } finally {
    closeSync(fd);
  }
  return true;
}

export type CreateOutcome = 'created' | 'exists' | 'failed';

/**
 * Create `path` holding `content` (a byte string) unless it already exists.
 * pmap decides "exists" by whether the file opens for reading (so a
 * directory exists too), then opens it for writing; tspmap creates it with
 * O_EXCL and falls back to a plain open only where pmap would have written
 * through (a dangling symlink, an unreadable file).
 */
export function createRcText(path: string, content: string): CreateOutcome {
  try {
    closeSync(openSync(path, 'r'));
    return 'exists';
  } catch {
    // Not readable: pmap goes on to fopen(path, "w").
  }
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o666);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return 'failed';
    try {
      fd = openSync(path, 'w', 0o666);
    } catch {
      return 'failed';
    }
  }
  try {
    const data = Buffer.from(content, 'latin1');
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset);
  } catch {
    // pmap ignores fprintf()'s and fclose()'s failures: the file counts as created.
  } finally {
    closeSync(fd);
  }
  return 'created';
}
