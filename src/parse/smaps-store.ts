/**
 * The typed smaps model kept compact: an incremental parser fed line-aligned
 * blocks (ProcFS.streamProcessFile) that stores each mapping as a row of
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
 */
import { cStringEnds, decimalValue } from './cscan.js';
import { cStringOf, nameColumn, newMappingFields, scanMappingLine } from './maps.js';
import type { MapsEntry } from './maps.js';
import { isFieldName, isVmFlagsLine, newFieldLine, scanFieldLine } from './smaps-line.js';
import type { U64 } from './u64.js';
import { FieldLayout, ValueColumn, detach } from './smaps-layout.js';

export { FieldLayout, ValueColumn } from './smaps-layout.js';

/** The -A rule's answer for a mapping: 0 keep, 1 skip, 2 stop reading (model/range.ts RANGE_*). */
export type HeaderFilter = (start: U64, end: U64) => number;

/** One field lookup of a stored mapping (the part of Map that the classifier uses). */
export class StoredFields {
  constructor(
    private layout: FieldLayout,
    private readonly values: ValueColumn,
    private base: number,
    private readonly kB: boolean,
  ) {}

  /** Look at another mapping's fields. */
  point(layout: FieldLayout, base: number): void {
    this.layout = layout;
    this.base = base;
  }

  get(key: string): U64 | undefined {
    const slot = this.layout.slot(key, this.kB);
    return slot < 0 ? undefined : this.values.get(this.base + slot);
  }
}

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

  /** Parse a block; false once the filter stopped reading. */
  feed(block: string): boolean {
    if (this.stopped) return false;
    const newline = block.lastIndexOf('\n');
    if (newline < 0) {
      this.carry.push(block);
      return true;
    }
    let cut = newline + 1;
    if (this.carry.length > 0) {
      const head = this.carry.join('');
      this.carry = [];
      block = head + block;
      cut += head.length;
    }
    if (cut < block.length) this.carry.push(block.slice(cut));
    const lineEndOf = cStringEnds(block);
    for (let pos = 0; pos < cut && !this.stopped; ) {
      if (this.open) {
        pos = this.fastFields(block, pos, cut);
        if (pos >= cut) break;
      }
      const newline = block.indexOf('\n', pos);
      this.line(block, pos, lineEndOf(pos, newline));
      pos = newline + 1;
    }
    return !this.stopped;
  }

  /** The last line, when the text does not end with a newline. */
  end(): void {
    const last = this.carry.join('');
    this.carry = [];
    if (last !== '' && !this.stopped) this.line(last, 0, cStringEnds(last)(0, last.length));
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
   * under the keys the layout took last time, as many as follow text[pos]:
   * the position after them. Every byte of a line taken is checked (so it
   * holds no NUL); the first line that differs goes the long way, line().
   */
  private fastFields(text: string, pos: number, end: number): number {
    const row = this.starts.length - 1;
    const values = this.values;
    let layout = this.layouts[row]!;
    for (let next = layout.lastChild; next !== null && pos < end; next = layout.lastChild) {
      const codes = next.keyCodes;
      let at = pos;
      for (let i = 0; i < codes.length; i++, at++) if (text.charCodeAt(at) !== codes[i]) return this.stay(row, layout, pos);
      if (!next.lastKept) {
        // A key not kept: its line is ignored whatever follows.
        const newline = text.indexOf('\n', at);
        if (newline < 0 || newline >= end) break;
        layout = next;
        pos = newline + 1;
        continue;
      }
      let c = text.charCodeAt(at);
      while (c === 0x20) c = text.charCodeAt(++at);
      const valueStart = at;
      let value = 0;
      while (c >= 0x30 && c <= 0x39) {
        value = value * 10 + (c - 0x30);
        c = text.charCodeAt(++at);
      }
      // Up to 15 digits is exact as a double; longer ones go the long way.
      if (at === valueStart || at - valueStart > 15) break;
      let kB = false;
      if (c === 0x20) {
        if (text.charCodeAt(at + 1) !== 0x6b || text.charCodeAt(at + 2) !== 0x42 || text.charCodeAt(at + 3) !== 0x0a) break;
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
    if (scanMappingLine(text, header, start, end) < 7) return;
    const step = this.filter ? this.filter(header.start, header.end) : 0;
    if (step === 2) this.stopped = true;
    if (step !== 0) return;
    this.open = true;
    this.starts.push(header.start);
    this.ends.push(header.end);
    this.perms.push(this.permsOf(header.perms));
    this.offsets.push(header.offset);
    this.devMajors.push(header.devMajor);
    this.devMinors.push(header.devMinor);
    this.inodes.push(header.inode);
    this.names.push(this.intern(nameColumn(text.slice(start, end))));
    this.layouts.push(this.root);
    this.valueStarts.push(this.values.length);
    this.vmFlagsText.push(null);
  }

  /** The perms column's string, looked up by its bytes when it is the usual four. */
  private permsOf(buffer: Uint8Array): string {
    if (buffer[4] !== 0 || buffer[0] === 0 || buffer[1] === 0 || buffer[2] === 0 || buffer[3] === 0) return this.intern(cStringOf(buffer));
    const key = buffer[0]! | (buffer[1]! << 8) | (buffer[2]! << 16) | (buffer[3]! << 24);
    let perms = this.fourPerms.get(key);
    if (perms === undefined) this.fourPerms.set(key, (perms = this.intern(cStringOf(buffer))));
    return perms;
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
