/**
 * The reader of /proc data: with read-file.ts (whole small files), the
 * only code that opens a process's files.
 *
 * A ProcFS is rooted at a directory, `/proc` by default or a copied tree
 * given with --proc-root, in the way prometheus/procfs roots its FS type.
 */
import { closeSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ReadAhead } from './read-ahead.js';
import { ReadOutcome, borrowBuffer, errorCode, giveBack, openForReading, readOrEnd, readWhole, readWholeLater } from './read-file.js';

export { readWhole, readWholeLater } from './read-file.js';
export type { ReadOutcome } from './read-file.js';

export const DEFAULT_PROC_ROOT = '/proc';

/**
 * Block size for streamLines: just under Node's EXTERN_APEX (0xFBEE9 bytes),
 * above which Buffer#toString() returns an external string whose memory V8
 * gives back late: 1 MiB blocks held ~70 MiB more on a 500,000-mapping -X.
 */
const BLOCK_BYTES = 1000 * 1000;
/** fgets() chunks per block where a buffer holds no newline. */
const NO_NEWLINE_PIECE = 64;

/**
 * Read a file to EOF and hand it over in latin1 blocks of at most 1 MiB,
 * each ending with a newline where the buffer holds one (the last one at
 * EOF may not). A buffer with no newline is cut after a whole number of
 * `chunkBytes` (fgets()'s size - 1), so a consumer that splits lines as
 * fgets() does sees the same chunks, and a line of any length (or
 * /dev/zero) is read in constant memory. onBlock returns false to stop
 * reading, as pmap leaves its fgets() loop on a fatal error. A read error
 * after a successful open ends the file there, as in readWhole(). (A big
 * smaps read on a second thread goes through streamBytes().)
 */
export function streamLines(path: string, onBlock: (block: string) => boolean | void, chunkBytes = 1023): ReadOutcome {
  const opened = openForReading(path);
  if (typeof opened === 'string') return { ok: false, code: opened };
  const fd = opened;
  const buffer = borrowBuffer(BLOCK_BYTES);
  // Handed on read by read, as fgets() would see the file.
  const reader = new FileReader(fd, false);
  let filled = 0;
  let going = true;
  try {
    while (going) {
      const got = reader.read(buffer, filled);
      if (got <= 0) break;
      filled += got;
      let cut = buffer.lastIndexOf(0x0a, filled - 1) + 1;
      if (cut === 0) {
        if (filled < buffer.length) continue;
        // No newline in a full buffer, whose start begins a line or an
        // fgets() chunk: hand on whole chunks, 64 at a time, so a consumer
        // that looks for the next newline per chunk scans 64 KB, not 1 MB.
        cut = filled - (filled % chunkBytes);
        for (let from = 0; from < cut && going; from += NO_NEWLINE_PIECE * chunkBytes) {
          going = onBlock(buffer.toString('latin1', from, Math.min(cut, from + NO_NEWLINE_PIECE * chunkBytes))) !== false;
        }
      } else {
        going = onBlock(buffer.toString('latin1', 0, cut)) !== false;
      }
      buffer.copy(buffer, 0, cut, filled);
      filled -= cut;
    }
  } finally {
    reader.stop();
    closeSync(fd);
  }
  if (going && filled > 0) onBlock(buffer.toString('latin1', 0, filled));
  giveBack(buffer);
  return { ok: true, data: EMPTY };
}

/** file2str()'s cap: its buffer stops growing at INT_MAX - 1024 bytes, one kept for the NUL. */
export const FILE2STR_CAP = 2 ** 31 - 1025;
const FILE2STR_READ = 1 << 16;

/**
 * libproc2's file2str() (stat, status) read in bounded pieces: pieces of
 * the file go to `consume` as latin1 text until EOF, a short read (which
 * ends file2str's loop), FILE2STR_CAP bytes, or `consume` returning true
 * (its answer is settled, as once the C string has ended at a NUL).
 * `bytes` is how many bytes were read: file2str treats 0 as a failure.
 */
export function scanFile2str(
  path: string,
  consume: (piece: string) => boolean,
): { ok: true; bytes: number } | { ok: false; code: string } {
  const opened = openForReading(path);
  if (typeof opened === 'string') return { ok: false, code: opened };
  const fd = opened;
  const buffer = borrowBuffer(FILE2STR_READ);
  let total = 0;
  try {
    while (total < FILE2STR_CAP) {
      const want = Math.min(buffer.length, FILE2STR_CAP - total);
      const got = readOrEnd(fd, buffer, 0, want);
      if (got <= 0) break;
      total += got;
      if (consume(buffer.toString('latin1', 0, got)) || got < want) break;
    }
  } finally {
    closeSync(fd);
  }
  giveBack(buffer);
  return { ok: true, bytes: total };
}

const EMPTY = Buffer.alloc(0);

/**
 * streamBytes(readAhead): a file this big (about 700 smaps entries) gets a
 * reading thread (proc/read-ahead.ts) before its first block is scanned;
 * until the thread is ready (some 25 ms) this one reads and scans on in
 * blocks, as without it.
 */
const READ_AHEAD_AFTER = 512 * 1024;
/**
 * A seq_file read(2) fills one page; asked for more than fits, it formats
 * one record past the page and throws it away (to format it again on the
 * next read). Asking for 3 KB, less than a page minus an smaps record,
 * avoids that: about 8% less kernel time on a big smaps.
 */
const SEQ_FILE_READ = 3 * 1024;

/**
 * The read(2) calls of one open file, for streamLines() and streamBytes().
 * With readAhead, a /proc file (its first read comes back short: seq_file)
 * is read SEQ_FILE_READ bytes at a time, and past READ_AHEAD_AFTER bytes a
 * ReadAhead thread takes the reading over once it is ready.
 */
class FileReader {
  private total = 0;
  private pageReads = false;
  private ahead: ReadAhead | null = null;

  constructor(
    private readonly fd: number,
    private readAhead: boolean,
  ) {}

  /** Read into buffer[offset, end): the byte count, 0 at the end. */
  read(buffer: Buffer, offset: number): number {
    const room = buffer.length - offset;
    const got = this.ahead?.takeOverIfReady()
      ? this.ahead.read(buffer, offset, room)
      : readOrEnd(this.fd, buffer, offset, this.pageReads ? Math.min(room, SEQ_FILE_READ) : room);
    if (got <= 0) return got;
    if (this.readAhead && this.total === 0 && got < room) this.pageReads = true;
    this.total += got;
    if (this.readAhead && this.ahead === null && this.total >= READ_AHEAD_AFTER) {
      this.ahead = ReadAhead.start(this.fd, this.pageReads ? SEQ_FILE_READ : 0);
      // One try: where no thread can start, read on alone.
      this.readAhead = this.ahead !== null;
    }
    return got;
  }

  /** A reading thread was started. */
  get threaded(): boolean {
    return this.ahead !== null;
  }

  /** Before the descriptor is closed: the thread has left it. */
  stop(): void {
    this.ahead?.stop();
  }
}

/**
 * Read a file to EOF as bytes, for consumers that scan lines themselves:
 * onBlock gets a view of the unconsumed bytes (eof says no more will come)
 * and returns how many it consumed (whole lines); the rest is kept for the
 * next call. A negative count stops the reading, as pmap leaves its fgets()
 * loop on a fatal error. A read error after a successful open ends the file there.
 * (Added for the byte path of the plain modes, format/basic-bytes.ts.) With
 * readAhead, a file past READ_AHEAD_AFTER bytes is read on a second thread,
 * and a /proc file SEQ_FILE_READ bytes at a time.
 */
export function streamBytes(path: string, onBlock: (bytes: Buffer, eof: boolean) => number, readAhead = false): ReadOutcome {
  const opened = openForReading(path);
  if (typeof opened === 'string') return { ok: false, code: opened };
  const fd = opened;
  let buffer = borrowBuffer(BLOCK_BYTES);
  const reader = new FileReader(fd, readAhead);
  let filled = 0;
  let stopped = false;
  try {
    for (;;) {
      if (filled === buffer.length) {
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
      }
      const got = reader.read(buffer, filled);
      if (got <= 0) break;
      filled += got;
      // The kernel hands out about a page per read: scan only when the
      // buffer is mostly full, so a block is many lines; with a reading
      // thread, each block's worth even when a long line grew the buffer.
      // (Reading up to 16 MB unscanned while the thread started up cost
      // 7-16 MiB of peak RSS in every smaps mode at 61,000 mappings and
      // gained no time: alternating runs without it were within noise.)
      const scanAt = (reader.threaded ? Math.min(buffer.length, BLOCK_BYTES) : buffer.length) - 4096;
      if (filled < scanAt) continue;
      const used = onBlock(buffer.subarray(0, filled), false);
      if (used < 0) {
        stopped = true;
        break;
      }
      buffer.copy(buffer, 0, used, filled);
      filled -= used;
    }
  } finally {
    reader.stop();
    closeSync(fd);
  }
  if (!stopped && filled > 0) onBlock(buffer.subarray(0, filled), true);
  if (buffer.length === BLOCK_BYTES) giveBack(buffer);
  return { ok: true, data: EMPTY };
}

export class ProcFS {
  /** The root as path.join() would begin every path below it: normalised once, not per file. */
  private readonly prefix: string;

  constructor(readonly root: string = DEFAULT_PROC_ROOT) {
    // join()'s own spelling of the root, taken from a one-letter entry.
    this.prefix = join(root, 'x').slice(0, -1);
  }

  /** Path of an entry below the root, e.g. path('4242', 'maps'), as path.join() spells it. */
  path(...parts: string[]): string {
    return this.prefix + parts.join('/');
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
    // access(F_OK): stat()'s answer without building a Stats object (and
    // its dates), which was a visible share of a run over many PIDs.
    return existsSync(this.path(pid));
  }

  /** Read PID/FILE (or self/FILE) to EOF, up to `limit` bytes. */
  readProcessFile(pid: string, file: string, limit?: number): ReadOutcome {
    return readWhole(this.path(pid, file), limit);
  }

  /** readProcessFile() with the first read(2) on another thread (see readWholeLater). */
  readProcessFileLater(pid: string, file: string): Promise<ReadOutcome> {
    return readWholeLater(this.path(pid, file));
  }

  /** Stream PID/FILE in line-aligned blocks (see streamLines); onBlock returns false to stop. */
  streamProcessFile(pid: string, file: string, onBlock: (block: string) => boolean | void): ReadOutcome {
    return streamLines(this.path(pid, file), onBlock);
  }

  /** Stream PID/FILE as bytes (see streamBytes). */
  streamProcessFileBytes(pid: string, file: string, onBlock: (bytes: Buffer, eof: boolean) => number, readAhead = false): ReadOutcome {
    return streamBytes(this.path(pid, file), onBlock, readAhead);
  }

  /** Read PID/FILE as libproc2's file2str() does, in bounded pieces (see scanFile2str). */
  scanProcessFile(pid: string, file: string, consume: (piece: string) => boolean) {
    return scanFile2str(this.path(pid, file), consume);
  }

  /** Read a file at the root, such as `sysvipc/shm`. */
  readRootFile(file: string): ReadOutcome {
    return readWhole(this.path(file));
  }
}
