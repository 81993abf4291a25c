/**
 * pmap's `while (fgets(mapbuf, sizeof mapbuf, f))` loop over a file that
 * arrives in blocks cut anywhere: an unfinished last line waits for the
 * next block, so every chunk is split exactly where fgets() splits it.
 *
 * Memory stays bounded on any input, as pmap's fixed buffer does: a line
 * longer than the buffer is handed on in fgets() chunks as they complete,
 * so at most one chunk (size - 1 bytes) ever waits between blocks.
 */
import { MAPBUF_SIZE, cStringEnds } from './cscan.js';

/** What the loop's body does with the chunks. */
export interface FgetsSink {
  /**
   * Whole lines it takes in bulk from text[pos, end), a fast path for lines
   * that need no chunking: where it stopped (`pos` when it took none).
   */
  bulk(text: string, pos: number, end: number): number;
  /**
   * One fgets() chunk: mapbuf holds text[start, end), end cut at a NUL as
   * C reads the string. False stops the reading (a fatal error).
   */
  chunk(text: string, start: number, end: number): boolean;
}

export class FgetsReader {
  /** An unfinished last chunk (shorter than size - 1, no newline), waiting for the rest. */
  private pending = '';
  private stopped = false;

  constructor(
    private readonly sink: FgetsSink,
    private readonly size = MAPBUF_SIZE,
  ) {}

  /** Start a new file. */
  reset(): void {
    this.pending = '';
    this.stopped = false;
  }

  /** The next block of the file: any cut, best at a line's end. False once the sink stopped. */
  feed(block: string): boolean {
    if (this.stopped) return false;
    let text = block;
    if (this.pending.length > 0) {
      text = this.pending + block;
      this.pending = '';
    }
    // Whole lines, then as many whole chunks of the unfinished line as there are.
    const lineEnd = text.lastIndexOf('\n') + 1;
    const chunk = this.size - 1;
    const end = lineEnd + Math.floor((text.length - lineEnd) / chunk) * chunk;
    if (end < text.length) this.pending = text.slice(end);
    if (end > 0) this.scan(text, end);
    return !this.stopped;
  }

  /** End of file: the last line, if it had no newline. */
  end(): void {
    const text = this.pending;
    this.pending = '';
    if (!this.stopped && text.length > 0) this.scan(text, text.length);
  }

  /** Scan text[0, end): whole lines and whole chunks, or the rest of the file. */
  private scan(text: string, end: number): void {
    const sink = this.sink;
    const cStringEnd = cStringEnds(text);
    const chunk = this.size - 1;
    // The next newline at or after pos, searched once per line: a line of
    // many chunks must not be searched to its end for every chunk.
    let newline = -1;
    let pos = 0;
    while (pos < end) {
      pos = sink.bulk(text, pos, end);
      if (pos >= end) break;
      if (newline < pos) {
        newline = text.indexOf('\n', pos);
        if (newline < 0) newline = text.length;
      }
      // fgets(): through the newline, or size - 1 bytes, or to the end.
      const stop = Math.min(newline + 1, pos + chunk, end);
      if (!sink.chunk(text, pos, cStringEnd(pos, stop))) {
        this.stopped = true;
        return;
      }
      pos = stop;
    }
  }
}
