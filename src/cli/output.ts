/**
 * Buffered writes to stdout with pmap's failure behaviour: a closed pipe
 * ends the program quietly (pmap dies of SIGPIPE), and any other write
 * error is reported once at exit as close_stdout() does ("write error").
 */
import { writeSync } from 'node:fs';
import { wasClosedAtStart } from '../proc/stdio.js';
import { EXIT } from './exit.js';

const FLUSH_BYTES = 1 << 16;

export class Output {
  private pending: string[] = [];
  private pendingLength = 0;
  /** errno code of the first failed write, if any. */
  failure: string | null = null;
  /** The reader went away: stop producing output. */
  brokenPipe = false;
  private checked = false;

  constructor(private readonly fd = 1) {}

  /** Queue text whose chars are bytes (latin1). */
  write(text: string): void {
    if (this.failure !== null || this.brokenPipe || text.length === 0) return;
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.pendingLength === 0 || this.failure !== null || this.brokenPipe) return;
    const data = Buffer.from(this.pending.join(''), 'latin1');
    this.pending = [];
    this.pendingLength = 0;
    this.writeAll(data);
  }

  /**
   * Write bytes now, after what is queued: large output that is already
   * bytes (the -X table's pieces) skips the strings. The caller may reuse
   * `data` once this returns.
   */
  writeBytes(data: Uint8Array): void {
    if (this.failure !== null || this.brokenPipe || data.length === 0) return;
    this.flush();
    this.writeAll(data);
  }

  private writeAll(data: Uint8Array): void {
    if (!this.checked) {
      this.checked = true;
      // A stdout closed at start (Node put /dev/null there): pmap's writes
      // fail with EBADF and close_stdout() reports it.
      if (wasClosedAtStart(this.fd)) this.failure = 'EBADF';
    }
    if (this.failure !== null || this.brokenPipe) return;
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += writeSync(this.fd, data, offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
        if (code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
          continue;
        }
        if (code === 'EPIPE') this.brokenPipe = true;
        else this.failure = code;
        return;
      }
    }
  }
}

/** Write stderr text immediately (pmap's stderr is unbuffered). */
export function writeStderr(text: string): void {
  if (text.length === 0) return;
  try {
    writeSync(2, Buffer.from(text, 'latin1'));
  } catch (error) {
    // pmap dies of SIGPIPE when stderr's reader has gone (`2>&1 | head`):
    // an endless rc file would otherwise be read forever. Other failures
    // leave nothing sensible to do.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(EXIT.brokenPipe);
  }
}
