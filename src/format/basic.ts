/**
 * pmap's default, -x (extended) and -d (device) output: a pure function
 * from the text of /proc/PID/maps (or smaps, for -x) to the printed lines.
 *
 * pmap reads these files line by line with fgets() into a 1024-byte buffer
 * and keeps its scan variables across lines, so this is written as the same
 * state machine; each quirk it preserves is named where it lives.
 */
import { MAPBUF_SIZE, cStringEnds, fgetsEnd, scanUnsigned } from '../parse/cscan.js';
import { sanitizeLine } from '../parse/escape.js';
import { MappingFields, isSmapsKeyStart, newMappingFields, scanMappingLine } from '../parse/maps.js';
import { scanFieldKey } from '../parse/smaps-line.js';
import type { SmapsFieldName } from '../model/fields.js';
import { U64, add, sub } from '../parse/u64.js';
import { RANGE_SKIP, RANGE_STOP, isWholeRange, rangeStep } from '../model/range.js';
import type { FastMapsLine } from '../parse/maps-fast.js';

import { BasicMode, BasicOptions, MappingName, Totals, PendingExtended, accountPerms, mappingName, defaultLine, deviceLine, headerLine, footer } from './basic-rows.js';

export type { BasicMode, BasicOptions };

/**
 * pmap keeps the start address in a static variable that outlives one
 * process; the carry lets a malformed line in a later PID reuse it.
 */
export interface BasicCarry {
  start: U64;
}


/** Whole-file convenience over BasicFormatter. */
export function formatBasic(text: string, options: BasicOptions, carry: BasicCarry): string {
  const formatter = new BasicFormatter(options, carry);
  return formatter.feed(text) + formatter.end();
}

/**
 * The engine, fed the file in blocks that end at line boundaries so that a
 * 60,000-mapping smaps never has to be held in memory whole. Output comes
 * back per block; nothing here does I/O.
 */
export class BasicFormatter {
  private readonly totals: Totals = {
    shared: 0, privateWriteable: 0, privateReadonly: 0, rss: 0, sharedDirty: 0, privateDirty: 0,
  };
  private readonly fields: MappingFields;
  private readonly pending = new PendingExtended();
  private diff: U64 = 0;
  /**
   * How many of sscanf's seven fields some line of this process has
   * assigned. one_proc()'s `end` and the loop's offset, device and inode are
   * locals nothing initialises: until a line assigns them, what pmap would
   * print is uninitialised memory (only `start` is a static).
   */
  private assigned = 0;
  /** Whether `diff` came from an `end` no line had assigned. */
  private diffUndefined = false;
  /** Lines read so far, for the error naming the line. */
  private lineNumber = 0;
  /** The line whose output would be uninitialised memory, once found. */
  undefinedLine: number | null = null;
  /** -A's first mapping above the range ends pmap's read loop. */
  private stopped = false;
  /** Whether the column headings have been handed out yet. */
  private headed = false;
  private readonly ranged: boolean;

  constructor(
    readonly options: BasicOptions,
    private readonly carry: BasicCarry,
  ) {
    this.fields = newMappingFields(carry.start);
    this.ranged = !isWholeRange(options.range);
  }

  /**
   * The column headings, once: they lead the first output, because pmap
   * prints them only after the file has opened (the caller feeds nothing
   * when the open fails).
   */
  private headings(): string {
    if (this.headed) return '';
    this.headed = true;
    return this.options.quiet ? '' : headerLine(this.options.mode);
  }

  /** Process whole lines (the last one may lack its newline only at EOF). */
  feed(text: string): string {
    if (this.stopped) return '';
    const out: string[] = [this.headings()];
    const lineEndOf = cStringEnds(text);
    for (let pos = 0; pos < text.length; ) {
      const chunkEnd = fgetsEnd(text, pos, MAPBUF_SIZE);
      const lineEnd = lineEndOf(pos, chunkEnd);
      this.pending.overwrittenBy(text, pos, chunkEnd);
      const first = lineEnd > pos ? text.charCodeAt(pos) : 0;
      if (text.charCodeAt(chunkEnd - 1) === 0x0a) this.lineNumber++;
      if (isSmapsKeyStart(first)) {
        this.keyLine(text, pos, lineEnd, out);
      } else if (!this.mappingLine(text, pos, lineEnd, chunkEnd, out)) {
        this.stopped = true;
        break;
      }
      if (this.undefinedLine !== null) {
        this.stopped = true;
        break;
      }
      pos = chunkEnd;
    }
    return out.join('');
  }

  /** -A's upper bound has ended the listing. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Take a mapping line the byte scanner read (parse/maps-fast.ts) as
   * scanMappingLine() would have, so that a later unusual line going through
   * feed() sees the same carried fields. Returns the mapping's size.
   * `counted`: its size is in the totals already (see addTotals()).
   */
  acceptScanned(line: FastMapsLine, buf: Uint8Array, counted = false): number {
    const fields = this.fields;
    fields.start = line.start;
    fields.startDigits = null;
    fields.end = line.end;
    const perms = fields.perms;
    perms[0] = buf[line.permsAt]!;
    perms[1] = buf[line.permsAt + 1]!;
    perms[2] = buf[line.permsAt + 2]!;
    perms[3] = buf[line.permsAt + 3]!;
    fields.offset = line.offset;
    fields.devMajor = line.devMajor;
    fields.devMinor = line.devMinor;
    fields.inode = line.inode;
    this.carry.start = line.start;
    this.assigned = 7;
    this.diffUndefined = false;
    this.lineNumber++;
    const diff = line.end - line.start;
    this.diff = diff;
    accountPerms(perms, diff, counted ? null : this.totals);
    // -x: the caller keeps this line's name (cp2) until it hands it over.
    this.pending.forgetName();
    return diff;
  }

  /**
   * Totals counted elsewhere (the WebAssembly rows, format/wasm-rows.ts and
   * wasm-extended.ts, which pass their lines to acceptScanned() with
   * `counted`), added to the footer's; C's unsigned sums wrap, so the order
   * does not matter.
   */
  addTotals(values: Partial<Totals>): void {
    const totals = this.totals;
    for (const key of Object.keys(values) as (keyof Totals)[]) totals[key] = add(totals[key], values[key]!);
  }

  /** -x on the byte path: the pending mapping (see ExtendedBytes) is now the formatter's. */
  adoptPending(name: MappingName, bufferText: string): void {
    this.pending.remember(name, bufferText);
    this.pending.nameUndefined = false;
  }

  /** -x: where the pending name (cp2) sits in the line buffer; null if none or a label. */
  get pendingNameOffset(): number | null {
    return this.pending.name === null ? null : this.pending.nameOffset;
  }

  /** -x: whether the formatter holds a pending mapping (cp2 set by feed()). */
  get hasPendingName(): boolean {
    return this.pending.name !== null;
  }

  /** -x: the values the pending row prints, as pmap's rss, shared_dirty, private_dirty. */
  get pendingValues(): Readonly<Pick<PendingExtended, 'rss' | 'sharedDirty' | 'privateDirty'>> {
    return this.pending;
  }

  /** Lines the byte path read and pmap ignores, counted for a later error's line number. */
  countLines(count: number): void {
    this.lineNumber += count;
  }

  /** The perms bytes as accountPerms() left them (five bytes, then NUL). */
  get permsBytes(): Uint8Array {
    return this.fields.perms;
  }

  end(): string {
    if (this.undefinedLine !== null) return '';
    return this.headings() + (this.options.quiet ? '' : footer(this.options.mode, this.totals));
  }

  /** Only Rss, Shared_Dirty, Private_Dirty and Swap matter, as "%20[^:]: %llu". */
  private keyLine(text: string, pos: number, end: number, out: string[]): void {
    const keyEnd = scanFieldKey(text, pos, end, X_KEY_WIDTH);
    if (keyEnd < 0) return;
    const key = relevantKey(text, pos, keyEnd);
    if (key === null) return;
    const scanned = scanUnsigned(text, keyEnd + 1, end, 10);
    if (!scanned) return;
    if (key !== 'Swap') {
      this.addValue(key, scanned.value);
      return;
    }
    // Swap: -x prints a mapping when its Swap line arrives, then resets.
    const pending = this.pending;
    if (pending.name !== null) {
      if (this.diffUndefined || pending.nameUndefined) {
        this.undefinedLine = this.lineNumber;
        return;
      }
      out.push(pending.render(this.fields, this.diff));
    }
    this.swapReset();
  }

  /** An Rss, Shared_Dirty or Private_Dirty line: the pending value and the total. */
  addValue(key: Exclude<RelevantKey, 'Swap'>, value: U64): void {
    const pending = this.pending;
    const totals = this.totals;
    if (key === 'Rss') {
      pending.rss = value;
      totals.rss = add(totals.rss, value);
    } else if (key === 'Shared_Dirty') {
      pending.sharedDirty = value;
      totals.sharedDirty = add(totals.sharedDirty, value);
    } else {
      pending.privateDirty = value;
      totals.privateDirty = add(totals.privateDirty, value);
    }
  }

  /** After a Swap line (its row printed, if any): "rss = ... = 0; diff = end = 0; perms[0] = 0; cp2 = NULL". */
  swapReset(): void {
    this.pending.reset(this.fields);
    this.diff = 0;
    this.diffUndefined = false;
    this.fields.end = 0;
    this.assigned = Math.max(this.assigned, 2);
  }

  /** Returns false when -A's upper bound ends the listing. */
  private mappingLine(text: string, pos: number, lineEnd: number, chunkEnd: number, out: string[]): boolean {
    const fields = this.fields;
    const options = this.options;
    this.assigned = Math.max(this.assigned, scanMappingLine(text, fields, pos, lineEnd));
    this.carry.start = fields.start;
    const endUndefined = this.assigned < 2;
    // "end - 1 < range_low" reads `end` whenever -A gives a lower bound.
    if (endUndefined && this.ranged && options.range && Number(options.range.low) !== 0) {
      this.undefinedLine = this.lineNumber;
      return true;
    }
    if (this.ranged && options.range) {
      // -A (model/range.ts): with -x a skipped mapping's Rss and Dirty
      // lines still reach the totals.
      const step = rangeStep(fields.start, fields.end, options.range);
      if (step === RANGE_SKIP) return true;
      if (step === RANGE_STOP) return false;
    }
    // strchr(mapbuf, '\n') only sees a newline before any NUL.
    const hadNewline = lineEnd === chunkEnd && text.charCodeAt(lineEnd - 1) === 0x0a;
    const line = sanitizeLine(text.slice(pos, hadNewline ? lineEnd - 1 : lineEnd), options.printable);
    const diff = sub(fields.end, fields.start);
    this.diff = diff;
    accountPerms(fields.perms, diff, this.totals);

    const name = mappingName(line, fields, diff, options);
    // The row needs `end` (its size, and the stack test); -d also prints
    // the offset and device, and a "/SYSV" name reads device and inode.
    const needed = options.mode === 'device' ? 6 : 2;
    const nameUndefined = line.includes('/SYSV') && this.assigned < 7;
    if (options.mode === 'extended') {
      this.diffUndefined = endUndefined;
      this.pending.remember(name, line + (hadNewline ? '\0' : '') + text.slice(lineEnd, chunkEnd));
      this.pending.nameUndefined = nameUndefined;
    } else if (this.assigned < needed || nameUndefined) {
      this.undefinedLine = this.lineNumber;
    } else {
      out.push(options.mode === 'device' ? deviceLine(fields, diff, name.text) : defaultLine(fields, diff, name.text));
    }
    return true;
  }
}

/** The keys -x reads; "%20[^:]" takes at most 20 bytes of a key. */
export type RelevantKey = Extract<SmapsFieldName, 'Rss' | 'Shared_Dirty' | 'Private_Dirty' | 'Swap'>;
const X_KEY_WIDTH = 20;

/** Which of -x's four keys text[pos, keyEnd) is. */
function relevantKey(text: string, pos: number, keyEnd: number): RelevantKey | null {
  const key: RelevantKey | null =
    keyEnd - pos === 3 ? 'Rss'
    : keyEnd - pos === 4 ? 'Swap'
    : keyEnd - pos === 12 ? 'Shared_Dirty'
    : keyEnd - pos === 13 ? 'Private_Dirty'
    : null;
  return key !== null && text.startsWith(key, pos) ? key : null;
}
