/**
 * A scratch file for the -X table's record stream once it outgrows its
 * memory budget: created in the temporary directory (TMPDIR) and unlinked
 * at once, so nothing is left behind even if tspmap is killed.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { nodeRequire } from './node-require.js';
import { join } from 'node:path';

export class SpillFile {
  private constructor(private fd: number) {}

  /** A new, already unlinked scratch file; null when none can be made (the caller keeps its bytes in memory). */
  static create(): SpillFile | null {
    for (let attempt = 0; attempt < 8; attempt++) {
      const path = join((nodeRequire()('node:os') as typeof import('node:os')).tmpdir(), `tspmap-${process.pid}-${Math.random().toString(36).slice(2)}`);
      let fd: number;
      try {
        fd = openSync(path, 'wx+', 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        return null;
      }
      try {
        unlinkSync(path);
      } catch {
        // Still usable; it is only left behind.
      }
      return new SpillFile(fd);
    }
    return null;
  }

  /** Append bytes[0, length) at `position` (the file's current end). False when the write fails. */
  write(bytes: Uint8Array, length: number, position: number): boolean {
    try {
      let done = 0;
      while (done < length) done += writeSync(this.fd, bytes, done, length - done, position + done);
      return true;
    } catch {
      return false;
    }
  }

  /** Read `length` bytes at `position` into target[offset...]. */
  read(target: Uint8Array, offset: number, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const got = readSync(this.fd, target, offset + done, length - done, position + done);
      if (got <= 0) throw new Error('the -X scratch file was cut short');
      done += got;
    }
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already gone.
    }
    this.fd = -1;
  }
}
