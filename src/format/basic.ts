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
import { U64, add, shr10, sub } from '../parse/u64.js';
import { RANGE_SKIP, RANGE_STOP, isWholeRange, rangeStep } from '../model/range.js';
import { justify, padLeft, padRight, zeroPad } from './columns.js';
import type { FastMapsLine } from '../parse/maps-fast.js';

export type BasicMode = 'default' | 'extended' | 'device';


export interface BasicOptions {
  mode: BasicMode;
  quiet: boolean;
  showPath: boolean;
  /** -A: null when no range was given. */
  range: { low: U64; high: U64 } | null;
  /** Field 28 of stat: a mapping containing it is "[ stack ]". */
  startStack: U64;
  /**
   * Device minor of SysV shared memory, or NO_SHM_MINOR. Read only for a
   * major-0 line containing "/SYSV", so a caller may compute it lazily
   * (a getter): finding it live can mean reading the target's maps again.
   */
  readonly shmMinor: number;
  /** -k: print the kernel's names ([heap], [vdso]) instead of "[ anon ]". */
  kernelNames?: boolean;
  /** isprint() per byte in pmap's locale, asked for when a line needs it; absent: C. */
  printable?: () => Uint8Array | null;
}

/**
 * pmap keeps the start address in a static variable that outlives one
 * process; the carry lets a malformed line in a later PID reuse it.
 */
export interface BasicCarry {
  start: U64;
}

interface Totals {
  shared: U64;
  privateWriteable: U64;
  privateReadonly: U64;
  rss: U64;
  sharedDirty: U64;
  privateDirty: U64;
}

/** Column widths pmap hard-codes for 64-bit longs. */
const ADDRESS_WIDTH = 16;
const EXTENDED_WIDTHS = { kbytes: 7, rss: 7, dirty: 7, mode: 5 };
const DEVICE_WIDTHS = { kbytes: 7, mode: 5, offset: 16, device: 9 };

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
   */
  acceptScanned(line: FastMapsLine, buf: Uint8Array): number {
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
    accountPerms(perms, diff, this.totals);
    return diff;
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
    const value = scanned.value;
    const pending = this.pending;
    const totals = this.totals;
    if (key === 'Rss') {
      pending.rss = value;
      totals.rss = add(totals.rss, value);
    } else if (key === 'Shared_Dirty') {
      pending.sharedDirty = value;
      totals.sharedDirty = add(totals.sharedDirty, value);
    } else if (key === 'Private_Dirty') {
      pending.privateDirty = value;
      totals.privateDirty = add(totals.privateDirty, value);
    } else {
      // Swap: -x prints a mapping when its Swap line arrives, then resets.
      if (pending.name !== null) {
        if (this.diffUndefined || pending.nameUndefined) {
          this.undefinedLine = this.lineNumber;
          return;
        }
        out.push(pending.render(this.fields, this.diff));
      }
      pending.reset(this.fields);
      this.diff = 0;
      this.diffUndefined = false;
      this.fields.end = 0;
      this.assigned = Math.max(this.assigned, 2);
    }
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
type RelevantKey = Extract<SmapsFieldName, 'Rss' | 'Shared_Dirty' | 'Private_Dirty' | 'Swap'>;
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

/** perms[3] 's' counts as shared, 'p' as private and is shown as '-'. */
function accountPerms(perms: Uint8Array, diff: U64, totals: Totals): void {
  if (perms[3] === 0x73) totals.shared = add(totals.shared, diff);
  if (perms[3] === 0x70) {
    perms[3] = 0x2d;
    if (perms[1] === 0x77) totals.privateWriteable = add(totals.privateWriteable, diff);
    else totals.privateReadonly = add(totals.privateReadonly, diff);
  }
  // The fifth column is always '-' (Solaris' reserved-swap 'R' flag).
  perms[4] = 0x2d;
  perms[5] = 0;
}

/** "%016lx" of the start address, from the line's own digits when it can. */
function startColumn(fields: MappingFields): string {
  return zeroPad(fields.startDigits ?? fields.start.toString(16), ADDRESS_WIDTH);
}

/** The perms C string; accountPerms() put a NUL at index 5. */
function permsText(perms: Uint8Array): string {
  if (perms[0] && perms[1] && perms[2] && perms[3] && perms[4]) {
    return String.fromCharCode(perms[0], perms[1], perms[2], perms[3], perms[4]);
  }
  let text = '';
  for (let i = 0; i < perms.length && perms[i] !== 0; i++) text += String.fromCharCode(perms[i]!);
  return text;
}

/**
 * A mapping's name as pmap prints it. When the name is a pointer into the
 * line buffer (a path), `offset` says where, because -x prints it only
 * after later lines have been read into the same buffer.
 */
interface MappingName {
  text: string;
  offset: number | null;
}

function mappingName(line: string, fields: MappingFields, diff: U64, options: BasicOptions): MappingName {
  if (fields.devMajor === 0 && line.includes('/SYSV') && fields.devMinor === options.shmMinor) {
    return { text: `  [ shmid=0x${fields.inode.toString(16)} ]`, offset: null };
  }
  const lastSlash = line.lastIndexOf('/');
  if (lastSlash >= 0) {
    // -p prints from the first '/' of the whole line; otherwise the text
    // after the last '/', or "/" itself when the line ends with one.
    const offset = options.showPath ? line.indexOf('/') : lastSlash + 1 < line.length ? lastSlash + 1 : lastSlash;
    return { text: line.slice(offset), offset };
  }
  // -k (procps-ng 4.0.6): a name ending in ']' prints from its first '['.
  if (options.kernelNames && line.endsWith(']')) {
    const open = line.indexOf('[');
    if (open >= 0) return { text: line.slice(open), offset: open };
  }
  const stack = options.startStack;
  const inStack = stack >= fields.start && stack <= add(fields.start, diff);
  return { text: inStack ? '  [ stack ]' : '  [ anon ]', offset: null };
}

/**
 * The -x row waiting for its Swap line. pmap's cp2 points into the line
 * buffer, so if a later line is long enough to reach the name's offset,
 * the printed name is what the buffer holds by then, not the original.
 */
class PendingExtended {
  name: string | null = null;
  /** Its name read a device or inode no line had assigned. */
  nameUndefined = false;
  rss: U64 = 0;
  sharedDirty: U64 = 0;
  privateDirty: U64 = 0;
  private offset: number | null = null;
  private header = '';
  private writes: string[] = [];

  /** `bufferText` is the line buffer's content as pmap left it after cleaning. */
  remember(name: MappingName, bufferText: string): void {
    this.name = name.text;
    this.offset = name.offset;
    this.header = bufferText;
    this.writes = [];
  }

  /** A line that fgets() wrote over the buffer; only long ones reach the name. */
  overwrittenBy(text: string, start: number, end: number): void {
    if (this.offset !== null && end - start >= this.offset) this.writes.push(text.slice(start, end));
  }

  reset(fields: MappingFields): void {
    this.name = null;
    this.offset = null;
    this.writes = [];
    this.rss = this.sharedDirty = this.privateDirty = 0;
    fields.perms[0] = 0;
  }

  render(fields: MappingFields, diff: U64): string {
    const name = this.offset !== null && this.writes.length > 0 ? this.overlaidName(this.offset) : this.name!;
    return (
      `${startColumn(fields)} ${padLeft(String(shr10(diff)), EXTENDED_WIDTHS.kbytes)} ` +
      `${padLeft(String(this.rss), EXTENDED_WIDTHS.rss)} ${padLeft(String(add(this.privateDirty, this.sharedDirty)), EXTENDED_WIDTHS.dirty)} ` +
      `${padLeft(permsText(fields.perms), EXTENDED_WIDTHS.mode)} ${name}\n`
    );
  }

  /** Replay the buffer writes since the header to read the C string at offset. */
  private overlaidName(offset: number): string {
    const layers = [this.header + '\0', ...this.writes.map((chunk) => chunk + '\0')];
    let text = '';
    for (let pos = offset; ; pos++) {
      let byte = 0;
      for (let i = layers.length - 1; i >= 0; i--) {
        if (pos < layers[i]!.length) {
          byte = layers[i]!.charCodeAt(pos);
          break;
        }
      }
      if (byte === 0) return text;
      text += String.fromCharCode(byte);
    }
  }
}

function defaultLine(fields: MappingFields, diff: U64, name: string): string {
  return `${startColumn(fields)} ${padLeft(String(shr10(diff)), 6)}K ${permsText(fields.perms)} ${name}\n`;
}

function deviceLine(fields: MappingFields, diff: U64, name: string): string {
  const w = DEVICE_WIDTHS;
  return (
    `${startColumn(fields)} ${padLeft(String(shr10(diff)), w.kbytes)} ` +
    `${padLeft(permsText(fields.perms), w.mode)} ${zeroPad(fields.offset.toString(16), w.offset)} ` +
    `${zeroPad(fields.devMajor.toString(16), 3)}:${zeroPad(fields.devMinor.toString(16), 5)} ${name}\n`
  );
}

function headerLine(mode: BasicMode): string {
  if (mode === 'extended') {
    return (
      justify('Address', ADDRESS_WIDTH, 'left') + justify('Kbytes', EXTENDED_WIDTHS.kbytes, 'right') +
      justify('RSS', EXTENDED_WIDTHS.rss, 'right') + justify('Dirty', EXTENDED_WIDTHS.dirty, 'right') +
      justify('Mode', EXTENDED_WIDTHS.mode, 'left') + 'Mapping\n'
    );
  }
  if (mode === 'device') {
    return (
      justify('Address', ADDRESS_WIDTH, 'left') + justify('Kbytes', DEVICE_WIDTHS.kbytes, 'right') +
      justify('Mode', DEVICE_WIDTHS.mode, 'left') + justify('Offset', DEVICE_WIDTHS.offset, 'left') +
      justify('Device', DEVICE_WIDTHS.device, 'left') + 'Mapping\n'
    );
  }
  return '';
}

function footer(mode: BasicMode, totals: Totals): string {
  const mapped = shr10(add(add(totals.shared, totals.privateWriteable), totals.privateReadonly));
  if (mode === 'extended') {
    const dashes =
      justify('-'.repeat(ADDRESS_WIDTH), ADDRESS_WIDTH, 'left') + justify('-------', EXTENDED_WIDTHS.kbytes, 'right') +
      justify('-------', EXTENDED_WIDTHS.rss, 'right') + justify('-------', EXTENDED_WIDTHS.dirty, 'right');
    return (
      `${dashes}\n${padRight('total kB', ADDRESS_WIDTH)} ${padLeft(String(mapped), EXTENDED_WIDTHS.kbytes)} ` +
      `${padLeft(String(totals.rss), EXTENDED_WIDTHS.rss)} ${padLeft(String(add(totals.sharedDirty, totals.privateDirty)), EXTENDED_WIDTHS.dirty)}\n`
    );
  }
  if (mode === 'device') {
    return `mapped: ${mapped}K    writeable/private: ${shr10(totals.privateWriteable)}K    shared: ${shr10(totals.shared)}K\n`;
  }
  return ` total ${padLeft(String(mapped), 16)}K\n`;
}
