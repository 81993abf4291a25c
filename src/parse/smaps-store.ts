/**
 * The typed smaps model kept compact: an incremental parser fed the file's
 * bytes (ProcFS.streamProcessFileBytes) that stores each mapping as a row of
 * columns instead of an object with two Maps. A 61,000-mapping smaps is
 * ~45 MB of text; its rows are a few MB, so --json and --summary never hold
 * the text, and the per-mapping objects they use are made one at a time.
 *
 * Field lines share their key list: the kernel prints the same keys in the
 * same order for every mapping, so each mapping points at a FieldLayout (the
 * keys it listed, in order; smaps-layout.ts) and its values sit in one
 * column (ValueColumn). The line rules are parseSmaps()'s (it is built on
 * this store): a line ends at a newline or a NUL byte, a line not starting
 * with A-Z is a mapping header (one that does not scan ends the current
 * mapping), and a field line is "Name: N kB" or "Name: N" with a name of
 * any length.
 *
 * Lines as the kernel formats them are read from the bytes (headers by
 * maps-fast.ts, field lines under the keys the last mapping listed, names
 * interned without decoding one seen before); any other line is decoded
 * and read as text by the general rules. Decoding every block as latin1
 * and scanning every header by the scanf emulation were a third of
 * --summary's main thread on 61,000 mappings, which is now left waiting
 * for the kernel's smaps instead.
 */
import { cStringEnds, decimalValue } from './cscan.js';
import { cStringOf, nameColumn, newMappingFields, scanMappingLine } from './maps.js';
import type { MapsEntry } from './maps.js';
import { VMFLAGS_CODES, isFieldName, isVmFlagsLine, newFieldLine, scanFieldLine } from './smaps-line.js';
import type { U64 } from './u64.js';
import { FieldLayout, StoredFields, ValueColumn, detach } from './smaps-layout.js';
import { newFastMapsLine, scanKernelMapsLine } from './maps-fast.js';
import { latin1, newlineAt, sameLatin1, startsWithCodes } from './bytes.js';

export { FieldLayout, StoredFields, ValueColumn } from './smaps-layout.js';

/**
 * A line start longer than this is not left for the next block (whose
 * buffer would grow with it) but kept as text until its newline comes.
 */
const WAIT_FOR_LINE_MAX = 64 * 1024;

/** A character that latin1 bytes cannot hold. */
const BEYOND_LATIN1 = /[^\x00-\xff]/;

/** The -A rule's answer for a mapping: 0 keep, 1 skip, 2 stop reading (model/range.ts RANGE_*). */
export type HeaderFilter = (start: U64, end: U64) => number;

/** A stored mapping as a record (made on demand; the store keeps columns). */
export interface StoredMapping extends MapsEntry {
  kB: StoredFields;
  vmFlags?: readonly string[];
}

export class SmapsStore {
  readonly starts: U64[] = [];
  readonly ends: U64[] = [];
  readonly perms: string[] = [];
  readonly offsets: U64[] = [];
  readonly devMajors: number[] = [];
  readonly devMinors: number[] = [];
  readonly inodes: U64[] = [];
  readonly names: string[] = [];
  readonly layouts: FieldLayout[] = [];
  /** Where each mapping's values start in `values`. */
  readonly valueStarts: number[] = [];
  readonly values = new ValueColumn();
  /** The text after "VmFlags:" (null without the line); vmFlagsOf() splits it. */
  readonly vmFlagsText: Array<string | null> = [];
  private readonly root = new FieldLayout();
  private readonly interned = new Map<string, string>();
  private readonly fourPerms = new Map<number, string>();
  private readonly flagLists = new Map<string, readonly string[]>();
  private readonly header = newMappingFields();
  private readonly fastHeader = newFastMapsLine();
  /** The last name or VmFlags text interned under each hash of its bytes (internBytes). */
  private readonly byHash = new Map<number, string>();
  private readonly field = newFieldLine();
  /** Whether field lines belong to the last row (false after a bad header or a skipped mapping). */
  private open = false;
  private stopped = false;
  /**
   * The start of a line cut by a block's end, in pieces: a line of many
   * blocks (a huge name) is joined once, when its newline comes.
   */
  private carry: string[] = [];

  /** Only these "kB" keys are kept (by first character, each with its ':'), or all when null. */
  private readonly kept: Map<number, string[]> | null;

  /**
   * filter: the -A rule; fields: keep only these keys (what a reader that
   * looks fields up by name needs), skipping the other lines unscanned.
   */
  constructor(private readonly filter: HeaderFilter | null = null, fields: readonly string[] | null = null) {
    this.kept = fields === null ? null : new Map();
    for (const key of fields ?? []) {
      const code = key.charCodeAt(0);
      this.kept!.set(code, [...(this.kept!.get(code) ?? []), key + ':']);
    }
  }

  get length(): number {
    return this.starts.length;
  }

  /** Parse a block of text (any cut); false once the filter stopped reading. */
  feed(block: string): boolean {
    if (!BEYOND_LATIN1.test(block)) return this.feedBytes(Buffer.from(block, 'latin1'), true) >= 0;
    // Text not read as latin1 (a caller's UTF-16 names) has no bytes: every line by the general rules.
    let pos = 0;
    for (let newline = block.indexOf('\n'); newline >= 0 && !this.stopped; newline = block.indexOf('\n', pos)) {
      this.carry.push(block.slice(pos, newline));
      this.carriedLine();
      pos = newline + 1;
    }
    if (pos < block.length && !this.stopped) this.carry.push(block.slice(pos));
    return !this.stopped;
  }

  /**
   * Parse the unconsumed bytes of a file (ProcFS.streamProcessFileBytes'
   * contract; `eof`: all that will come): how many were consumed, or -1
   * once the filter stopped reading. Whole lines are consumed; a line's
   * start is left for the next call, unless it is the end or too long to
   * wait for (it is then kept as text until its newline).
   */
  feedBytes(bytes: Uint8Array, eof: boolean): number {
    const length = bytes.length;
    let pos = 0;
    if (this.carry.length > 0) {
      const newline = bytes.indexOf(0x0a);
      pos = newline < 0 ? length : newline + 1;
      this.carry.push(latin1(bytes, 0, newline < 0 ? length : newline));
      if (newline >= 0) this.carriedLine();
    }
    const last = bytes.lastIndexOf(0x0a, length - 1);
    if (last >= pos && !this.stopped) {
      this.scanLines(bytes, pos, last + 1);
      pos = last + 1;
    }
    if (this.stopped) return -1;
    if (pos < length && (eof || length - pos > WAIT_FOR_LINE_MAX)) {
      this.carry.push(latin1(bytes, pos, length));
      pos = length;
    }
    return pos;
  }

  /** The last line, when the text does not end with a newline. */
  end(): void {
    if (this.carry.length > 0) this.carriedLine();
  }

  /** The line kept as text in pieces, now whole. */
  private carriedLine(): void {
    const text = this.carry.join('');
    this.carry = [];
    if (!this.stopped) this.textLine(text);
  }

  /** One line's text (without its newline) by the general rules: C reads it up to a NUL. */
  private textLine(text: string): void {
    this.line(text, 0, cStringEnds(text)(0, text.length));
  }

  /** The lines of bytes[from, to), `to` just past a newline. */
  private scanLines(bytes: Uint8Array, from: number, to: number): void {
    for (let pos = from; pos < to && !this.stopped; ) {
      if (this.open) {
        pos = this.fastFields(bytes, pos, to);
        if (pos >= to) break;
      }
      const newline = newlineAt(bytes, pos);
      if (!this.fastLine(bytes, pos, newline)) this.textLine(latin1(bytes, pos, newline));
      pos = newline + 1;
    }
  }

  /**
   * A header as the kernel formats it, a VmFlags line, or a key line of a
   * mapping not kept, read from bytes (allocating nothing for a name seen
   * before): true when taken, false to read the line as text.
   */
  private fastLine(bytes: Uint8Array, pos: number, newline: number): boolean {
    const first = bytes[pos]!;
    if (first >= 0x41 && first <= 0x5a) {
      if (!this.open) return true;
      if (newline - pos < VMFLAGS_CODES.length || !startsWithCodes(bytes, pos, VMFLAGS_CODES)) return false;
      const flagsFrom = pos + VMFLAGS_CODES.length;
      for (let at = flagsFrom; at < newline; at++) if (bytes[at] === 0) return false;
      this.vmFlagsText[this.starts.length - 1] = this.internBytes(bytes, flagsFrom, newline);
      return true;
    }
    const header = this.fastHeader;
    if (!scanKernelMapsLine(bytes, pos, newline, header)) return false;
    if (this.opens(header.start, header.end)) {
      this.addRow(header.start, header.end, this.fourPermsAt(bytes, header.permsAt), header.offset, header.devMajor, header.devMinor, header.inode);
      this.names.push(this.internBytes(bytes, header.nameFrom, newline));
    }
    return true;
  }

  private line(text: string, start: number, end: number): void {
    const first = text.charCodeAt(start);
    // A line starting with A-Z is a key line (maps.ts isSmapsKeyStart); an empty one is a header.
    if (!(first >= 0x41 && first <= 0x5a) || start === end) {
      this.headerLine(text, start, end);
      return;
    }
    if (!this.open) return;
    const row = this.starts.length - 1;
    if (isVmFlagsLine(text, start, end)) {
      this.vmFlagsText[row] = this.intern(text.slice(start + 8, end));
      return;
    }
    if (this.kept !== null && !this.keeps(text, start, first)) {
      this.listSkipped(row, text, start, end);
      return;
    }
    const field = this.field;
    const count = scanFieldLine(text, start, end, Infinity, Infinity, field);
    if (count !== 2 || field.next !== end || !isFieldName(text, start, field.keyEnd)) return;
    const value = decimalValue(text, field.valueStart, field.valueEnd);
    const layout = this.layouts[row]!;
    const next = layout.child(text, start, field.keyEnd, field.kB);
    if (next === layout) {
      this.values.set(this.valueStarts[row]! + layout.slot(text.slice(start, field.keyEnd), field.kB), value);
      return;
    }
    this.layouts[row] = next;
    this.values.push(value);
  }

  /**
   * Field lines in their common form, "Name:   123 kB\n" or "Name:   1\n",
   * under the keys the layout took last time, as many as follow bytes[pos]:
   * the position after them. Every byte of a line taken is checked (so it
   * holds no NUL); the first line that differs goes the long way, line().
   */
  private fastFields(bytes: Uint8Array, pos: number, end: number): number {
    const row = this.starts.length - 1;
    const values = this.values;
    let layout = this.layouts[row]!;
    for (let next = layout.lastChild; next !== null && pos < end; next = layout.lastChild) {
      const codes = next.keyCodes;
      if (!startsWithCodes(bytes, pos, codes)) break;
      let at = pos + codes.length;
      if (!next.lastKept) {
        // A key not kept: its line is ignored whatever follows.
        const newline = newlineAt(bytes, at);
        if (newline >= end) break;
        layout = next;
        pos = newline + 1;
        continue;
      }
      let c = bytes[at]!;
      while (c === 0x20) c = bytes[++at]!;
      const valueStart = at;
      let value = 0;
      while (c >= 0x30 && c <= 0x39) {
        value = value * 10 + (c - 0x30);
        c = bytes[++at]!;
      }
      // Up to 15 digits is exact as a double; longer ones go the long way.
      if (at === valueStart || at - valueStart > 15) break;
      let kB = false;
      if (c === 0x20) {
        if (bytes[at + 1] !== 0x6b || bytes[at + 2] !== 0x42 || bytes[at + 3] !== 0x0a) break;
        at += 3;
        kB = true;
      } else if (c !== 0x0a) {
        break;
      }
      if (at >= end || kB !== next.lastIsKB) break;
      values.push(value);
      layout = next;
      pos = at + 1;
    }
    return this.stay(row, layout, pos);
  }

  private stay(row: number, layout: FieldLayout, pos: number): number {
    this.layouts[row] = layout;
    return pos;
  }

  /**
   * A line whose key is not kept is ignored whatever its form; its key
   * (up to the first ':') joins the layout, so the fast path passes it.
   */
  private listSkipped(row: number, text: string, start: number, end: number): void {
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end) this.layouts[row] = this.layouts[row]!.child(text, start, colon, false, false);
  }

  /** Whether the line at start has a key that is kept. */
  private keeps(text: string, start: number, first: number): boolean {
    const keys = this.kept!.get(first);
    if (keys === undefined) return false;
    for (const key of keys) if (text.startsWith(key, start)) return true;
    return false;
  }

  private headerLine(text: string, start: number, end: number): void {
    this.open = false;
    const header = this.header;
    if (scanMappingLine(text, header, start, end) < 7 || !this.opens(header.start, header.end)) return;
    this.addRow(header.start, header.end, this.permsOf(header.perms), header.offset, header.devMajor, header.devMinor, header.inode);
    this.names.push(this.intern(nameColumn(text.slice(start, end))));
  }

  /** Whether the mapping of a header that scanned is kept (the -A rule); a stop ends the reading. */
  private opens(start: U64, end: U64): boolean {
    this.open = false;
    const step = this.filter ? this.filter(start, end) : 0;
    if (step === 2) this.stopped = true;
    return step === 0;
  }

  /** A new row from its header's columns but the name (the caller pushes it). */
  private addRow(start: U64, end: U64, perms: string, offset: U64, devMajor: number, devMinor: number, inode: U64): void {
    this.open = true;
    this.starts.push(start);
    this.ends.push(end);
    this.perms.push(perms);
    this.offsets.push(offset);
    this.devMajors.push(devMajor);
    this.devMinors.push(devMinor);
    this.inodes.push(inode);
    this.layouts.push(this.root);
    this.valueStarts.push(this.values.length);
    this.vmFlagsText.push(null);
  }

  /** The perms column's string (a C string in a buffer), looked up by its bytes when it is the usual four. */
  private permsOf(buffer: Uint8Array): string {
    if (buffer[4] !== 0 || buffer[0] === 0 || buffer[1] === 0 || buffer[2] === 0 || buffer[3] === 0) return this.intern(cStringOf(buffer));
    return this.fourPermsAt(buffer, 0);
  }

  /** The four perms bytes at bytes[at] (none of them NUL) as a string. */
  private fourPermsAt(bytes: Uint8Array, at: number): string {
    const key = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
    let perms = this.fourPerms.get(key);
    if (perms === undefined) this.fourPerms.set(key, (perms = this.intern(latin1(bytes, at, at + 4))));
    return perms;
  }

  /**
   * intern() of bytes[from, to) as latin1 text, without decoding a text
   * seen before: the last text with the same hash is compared byte by byte.
   */
  private internBytes(bytes: Uint8Array, from: number, to: number): string {
    let hash = to - from;
    for (let i = from; i < to; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    const known = this.byHash.get(hash);
    if (known !== undefined && sameLatin1(known, bytes, from, to)) return known;
    const text = this.intern(latin1(bytes, from, to));
    this.byHash.set(hash, text);
    return text;
  }

  /** One copy of each distinct name, perms and VmFlags text. */
  private intern(text: string): string {
    let kept = this.interned.get(text);
    if (kept === undefined) this.interned.set((kept = detach(text)), kept);
    return kept;
  }

  /** The VmFlags codes of mapping i (shared between mappings: do not change it). */
  vmFlagsOf(i: number): readonly string[] | undefined {
    const text = this.vmFlagsText[i];
    if (text === null || text === undefined) return undefined;
    let flags = this.flagLists.get(text);
    if (!flags) this.flagLists.set(text, (flags = text.trim().split(/\s+/).filter(Boolean)));
    return flags;
  }

  /** Mapping i as a record whose fields are read from the store. */
  record(i: number): StoredMapping {
    const record: StoredMapping = {
      start: 0, end: 0, perms: '', offset: 0, devMajor: 0, devMinor: 0, inode: 0, name: '',
      kB: new StoredFields(this.layouts[i]!, this.values, this.valueStarts[i]!, true),
    };
    return this.refill(record, i);
  }

  /** Make a record of record() mapping i's (so a reader can reuse a few records). */
  refill(record: StoredMapping, i: number): StoredMapping {
    record.start = this.starts[i]!;
    record.end = this.ends[i]!;
    record.perms = this.perms[i]!;
    record.offset = this.offsets[i]!;
    record.devMajor = this.devMajors[i]!;
    record.devMinor = this.devMinors[i]!;
    record.inode = this.inodes[i]!;
    record.name = this.names[i]!;
    record.kB.point(this.layouts[i]!, this.valueStarts[i]!);
    record.vmFlags = this.vmFlagsOf(i);
    return record;
  }
}

/** Parse a whole smaps text into a store. */
export function storeSmaps(text: string, filter: HeaderFilter | null = null): SmapsStore {
  const store = new SmapsStore(filter);
  store.feed(text);
  store.end();
  return store;
}
