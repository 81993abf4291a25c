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
  FGETS_LINE_MAX, KEY_OTHER, KEY_PRIVATE_DIRTY, KEY_RSS, KEY_SHARED_DIRTY, KEY_VALUE_FROM, kernelKeyAt, kernelKeyValue,
} from '../parse/smaps-fast.js';
import { isSmapsKeyStart } from '../parse/maps.js';
import { MAPBUF_SIZE } from '../parse/cscan.js';
import { add } from '../parse/u64.js';
import { ANON, ByteRows, NAME_ANON, NAME_STACK, STACK, copyBytes, copyZeroPadded, nameStart, writeDecimal } from './basic-bytes.js';

export class ExtendedBytes extends ByteRows {
  private readonly line: FastMapsLine = newFastMapsLine();
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
   * Key lines up to this long (less the newline) are read here; a longer
   * one would be split by fgets() or write over the pending name, and goes
   * to the exact path.
   */
  private keyLineMax = FGETS_LINE_MAX;

  /** Consume the whole lines of `bytes` (all of it at EOF); returns how many bytes. */
  feed(bytes: Buffer, eof: boolean): number {
    if (!this.started) this.begin();
    const length = bytes.length;
    if (this.formatter.isStopped) return length;
    let pos = 0;
    while (pos < length) {
      // Buffer#indexOf is memchr(): faster than a byte loop even for short lines.
      const nl = bytes.indexOf(0x0a, pos);
      if (nl >= 0) {
        if (!isSmapsKeyStart(bytes[pos]!)) {
          if (this.mappingLine(bytes, pos, nl)) {
            pos = nl + 1;
            continue;
          }
        } else if (nl - pos < this.keyLineMax) {
          const key = kernelKeyAt(bytes, pos, nl);
          if (key === KEY_OTHER) {
            // pmap's "Other keys or not a key-value pair": only counted.
            this.uncounted++;
            pos = nl + 1;
            continue;
          }
          if (this.keyLine(key, kernelKeyValue(bytes, pos + KEY_VALUE_FROM[key]!, nl))) {
            pos = nl + 1;
            continue;
          }
        }
      }
      // The exact path, for one whole line (however many fgets() chunks).
      let next = nl + 1;
      if (next === 0) {
        // No newline yet: hand on whole fgets() chunks, which pmap reads as
        // lines of their own, so a line of any length takes bounded memory.
        next = eof ? length : length - ((length - pos) % FGETS_LINE_MAX);
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

  /** One of -x's four key lines, its value read (-1: unusual); false: let the exact path take it. */
  private keyLine(key: number, value: number): boolean {
    if (value < 0) return false;
    const formatter = this.formatter;
    if (key === KEY_RSS) formatter.addValue('Rss', value);
    else if (key === KEY_SHARED_DIRTY) formatter.addValue('Shared_Dirty', value);
    else if (key === KEY_PRIVATE_DIRTY) formatter.addValue('Private_Dirty', value);
    else {
      // Swap: the pending row is printed, then pmap resets.
      if (this.pending) {
        if (!this.row()) return false;
        this.pending = false;
        this.keyLineMax = FGETS_LINE_MAX;
      } else if (formatter.hasPendingName) {
        return false;
      }
      formatter.swapReset();
    }
    this.uncounted++;
    return true;
  }

  /** After mappings printed elsewhere (format/wasm-extended.ts): nothing pending, as after a Swap line. */
  protected settle(): void {
    this.countLines();
    this.pending = false;
    this.keyLineMax = FGETS_LINE_MAX;
  }

  /** The longest key line (less its newline) read here: one fgets() chunk that leaves the pending name alone. */
  private keyLineLimit(nameOffset: number | null): number {
    // A line of n bytes writes mapbuf[0..n], its NUL at n: it changes a
    // name at offset o once n >= o.
    return nameOffset === null ? FGETS_LINE_MAX : Math.min(FGETS_LINE_MAX, nameOffset - 1);
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
    this.keyLineMax = this.keyLineLimit(from >= 0 ? from - pos : null);
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
    this.keyLineMax = this.keyLineLimit(formatter.pendingNameOffset);
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
    this.room();
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
}
