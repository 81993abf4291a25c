/**
 * pmap -x from the bytes of /proc/PID/smaps to bytes. Kernel-formatted
 * mapping lines (parse/maps-fast.ts) and key lines (parse/smaps-fast.ts)
 * are handled here; any other line goes through BasicFormatter's exact
 * emulation, which holds the state pmap carries between lines (fields,
 * totals, the pending Rss/Dirty values) for both paths.
 *
 * The quirk this has to respect: pmap's -x remembers a mapping's name as a
 * pointer (cp2) into its line buffer mapbuf and prints it only when the
 * Swap line arrives, after fgets() has written the key lines over mapbuf.
 * A line of n bytes rewrites mapbuf[0..n] (with its NUL), so it changes the
 * printed name only if n reaches the name's offset. Here the mapping line's
 * bytes are kept, and a key line that long goes to the exact path, which
 * models the overwriting (PendingExtended in basic-rows.ts); so does every
 * line after such a hand-over until the next mapping line.
 */
import { FastMapsLine, hasSysvMarker, newFastMapsLine, scanKernelMapsLine } from '../parse/maps-fast.js';
import {
  FastKeyLine, KEY_OTHER, KEY_PRIVATE_DIRTY, KEY_RSS, KEY_SHARED_DIRTY, KEY_SWAP, newFastKeyLine, scanKernelKeyLine,
} from '../parse/smaps-fast.js';
import { isSmapsKeyStart } from '../parse/maps.js';
import { add } from '../parse/u64.js';
import type { BasicFormatter, BasicOptions } from './basic.js';
import { ANON, NAME_ANON, NAME_STACK, STACK, copyBytes, copyZeroPadded, nameStart, writeDecimal } from './basic-bytes.js';

const OUT_BYTES = 1 << 18;
/** Room for one row: the fields, and a name of at most 1023 bytes. */
const ROW_MAX = 1200;
/** pmap's mapbuf: a kept mapping line is at most 1022 bytes and its newline. */
const MAPBUF_SIZE = 1024;
const NO_OFFSET = Number.POSITIVE_INFINITY;
/** fgets(mapbuf, 1024, ...) reads a long line in pieces of 1023 bytes. */
const FGETS_CHUNK = MAPBUF_SIZE - 1;

export class ExtendedBytes {
  private readonly out = Buffer.allocUnsafe(OUT_BYTES);
  private at = 0;
  private readonly line: FastMapsLine = newFastMapsLine();
  private readonly key: FastKeyLine = newFastKeyLine();
  private started = false;
  /** Key lines read here since the formatter last counted lines. */
  private uncounted = 0;

  /** Whether this object holds the pending mapping (cp2), not the formatter. */
  private pending = false;
  /** The pending mapping line as pmap's mapbuf holds it (without its newline). */
  private readonly mapbuf = Buffer.allocUnsafe(MAPBUF_SIZE);
  private mapbufLength = 0;
  private startDigits = 0;
  private diff = 0;
  /** Where its name starts in mapbuf, or NAME_ANON / NAME_STACK. */
  private nameFrom = NAME_ANON;
  /**
   * A key line this long or longer would write over the pending name:
   * then the exact path takes the line.
   */
  private overwriteAt = NO_OFFSET;

  constructor(
    private readonly formatter: BasicFormatter,
    private readonly options: BasicOptions,
    private readonly sink: (bytes: Uint8Array) => void,
  ) {}

  /** Consume the whole lines of `bytes` (all of it at EOF); returns how many bytes. */
  feed(bytes: Buffer, eof: boolean): number {
    if (!this.started) {
      this.started = true;
      this.text(this.formatter.feed(''));
    }
    const length = bytes.length;
    if (this.formatter.isStopped) return length;
    const key = this.key;
    let pos = 0;
    while (pos < length) {
      if (isSmapsKeyStart(bytes[pos]!)) {
        if (scanKernelKeyLine(bytes, pos, length, key) && key.nl - pos + 1 < this.overwriteAt && this.keyLine()) {
          pos = key.nl + 1;
          continue;
        }
      } else {
        const nl = bytes.indexOf(0x0a, pos);
        if (nl >= 0 && this.mappingLine(bytes, pos, nl)) {
          pos = nl + 1;
          continue;
        }
      }
      // The exact path, for one whole line (however many fgets() chunks).
      let next = bytes.indexOf(0x0a, pos) + 1;
      if (next === 0) {
        // No newline yet: hand on whole fgets() chunks, which pmap reads as
        // lines of their own, so a line of any length takes bounded memory.
        next = eof ? length : length - ((length - pos) % FGETS_CHUNK);
        if (next === pos) break;
      }
      if (this.exact(bytes, pos, next)) return length;
      pos = next;
    }
    return pos;
  }

  end(): void {
    if (!this.started) this.text(this.formatter.feed(''));
    this.formatter.countLines(this.uncounted);
    this.uncounted = 0;
    this.text(this.formatter.end());
    this.flush();
  }

  /** A key line the scanner read; false: let the exact path take it. */
  private keyLine(): boolean {
    const key = this.key;
    const formatter = this.formatter;
    switch (key.key) {
      case KEY_OTHER: break;
      case KEY_RSS: formatter.addValue('Rss', key.value); break;
      case KEY_SHARED_DIRTY: formatter.addValue('Shared_Dirty', key.value); break;
      case KEY_PRIVATE_DIRTY: formatter.addValue('Private_Dirty', key.value); break;
      case KEY_SWAP:
        if (this.pending) {
          if (!this.row()) return false;
          this.pending = false;
          this.overwriteAt = NO_OFFSET;
        } else if (formatter.hasPendingName) {
          return false;
        }
        formatter.swapReset();
        break;
    }
    this.uncounted++;
    return true;
  }

  /** A mapping line, when the scanner reads it as kernel-formatted; false: use the exact path. */
  private mappingLine(bytes: Buffer, pos: number, nl: number): boolean {
    const line = this.line;
    if (
      !scanKernelMapsLine(bytes, pos, nl, line) || line.end < line.start ||
      (line.devMajor === 0 && hasSysvMarker(bytes, line.nameFrom, nl) && line.devMinor === this.options.shmMinor)
    ) {
      return false;
    }
    this.countLines();
    this.diff = this.formatter.acceptScanned(line, bytes);
    const from = nameStart(line, bytes, pos, nl, this.options);
    this.nameFrom = from >= 0 ? from - pos : from;
    this.overwriteAt = from >= 0 ? from - pos : NO_OFFSET;
    this.mapbufLength = copyBytes(bytes, pos, nl, this.mapbuf, 0);
    this.startDigits = line.startTo - line.startFrom;
    this.pending = true;
    return true;
  }

  /**
   * The exact path for bytes[pos, next): the pending mapping is handed
   * over first. Returns true when the listing has stopped.
   */
  private exact(bytes: Buffer, pos: number, next: number): boolean {
    const formatter = this.formatter;
    this.countLines();
    if (this.pending) {
      const mapbuf = this.mapbuf.toString('latin1', 0, this.mapbufLength);
      const from = this.nameFrom;
      const name = from >= 0
        ? { text: mapbuf.slice(from), offset: from }
        : { text: from === NAME_STACK ? '  [ stack ]' : '  [ anon ]', offset: null };
      formatter.adoptPending(name, mapbuf + '\0');
      this.pending = false;
    }
    this.text(formatter.feed(bytes.toString('latin1', pos, next)));
    this.overwriteAt = formatter.pendingNameOffset ?? NO_OFFSET;
    return formatter.isStopped;
  }

  private countLines(): void {
    if (this.uncounted > 0) this.formatter.countLines(this.uncounted);
    this.uncounted = 0;
  }

  /** "%016lx %7lu %7llu %7llu %5s %s\n"; false when a value is past 2^53 (the exact path prints it). */
  private row(): boolean {
    const values = this.formatter.pendingValues;
    const rss = values.rss;
    const dirty = add(values.privateDirty, values.sharedDirty);
    if (typeof rss !== 'number' || typeof dirty !== 'number') return false;
    if (this.at > OUT_BYTES - ROW_MAX) this.flush();
    const out = this.out;
    const mapbuf = this.mapbuf;
    let at = copyZeroPadded(mapbuf, 0, this.startDigits, out, this.at, 16);
    out[at++] = 0x20;
    at = writeDecimal(out, at, Math.floor(this.diff / 1024), 7);
    out[at++] = 0x20;
    at = writeDecimal(out, at, rss, 7);
    out[at++] = 0x20;
    at = writeDecimal(out, at, dirty, 7);
    out[at++] = 0x20;
    const perms = this.formatter.permsBytes;
    for (let i = 0; i < 5; i++) out[at++] = perms[i]!;
    out[at++] = 0x20;
    const from = this.nameFrom;
    if (from >= 0) {
      at = copyBytes(mapbuf, from, this.mapbufLength, out, at);
    } else {
      const label = from === NAME_STACK ? STACK : ANON;
      at = copyBytes(label, 0, label.length, out, at);
    }
    out[at++] = 0x0a;
    this.at = at;
    return true;
  }

  private flush(): void {
    // The sink writes synchronously, so the buffer is reused.
    if (this.at > 0) this.sink(this.out.subarray(0, this.at));
    this.at = 0;
  }

  private text(text: string): void {
    if (text.length === 0) return;
    if (this.at + text.length > OUT_BYTES) this.flush();
    if (text.length > OUT_BYTES) {
      this.sink(Buffer.from(text, 'latin1'));
      return;
    }
    this.at += this.out.write(text, this.at, 'latin1');
  }
}
