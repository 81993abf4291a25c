/**
 * pmap's `while (fgets(mapbuf, sizeof mapbuf, f))` loop over a file that
 * arrives in blocks cut anywhere: an unfinished last line waits for the
 * next block, so every chunk is split exactly where fgets() splits it.
 */
import { MAPBUF_SIZE, cStringEnds, fgetsEnd } from './cscan.js';

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
  /** An unfinished last line, waiting for the rest of it. */
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

  /** The next block of the file: any cut, best at a line's end. */
  feed(block: string): void {
    if (this.stopped) return;
    let text = block;
    if (this.pending.length > 0) {
      text = this.pending + block;
      this.pending = '';
    }
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) this.pending = text.slice(end);
    if (end > 0) this.scan(text, end);
  }

  /** End of file: the last line, if it had no newline. */
  end(): void {
    const text = this.pending;
    this.pending = '';
    if (!this.stopped && text.length > 0) this.scan(text, text.length);
  }

  /** Scan text[0, end): whole lines, or the rest of the file. */
  private scan(text: string, end: number): void {
    const sink = this.sink;
    const cStringEnd = cStringEnds(text);
    let pos = 0;
    while (pos < end) {
      pos = sink.bulk(text, pos, end);
      if (pos >= end) break;
      const stop = fgetsEnd(text, pos, this.size);
      if (!sink.chunk(text, pos, cStringEnd(pos, stop))) {
        this.stopped = true;
        return;
      }
      pos = stop;
    }
  }
}
